using KeyGrains.Keys;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KeyGrains.WebApi.Verification;

public static class VerificationSetup
{
    /// <summary>
    /// The verifier and its settings. A co-hosted silo registers its own <see cref="INodeKeyCache"/>
    /// (its active keys); without one, as in Client mode, every verification asks the key's grain.
    /// </summary>
    public static IServiceCollection AddKeyGrainsVerification(this IServiceCollection services)
    {
        services.AddOptions<VerificationOptions>()
            .BindConfiguration(VerificationOptions.SectionName)
            .Validate(o => o.RetryBudget >= TimeSpan.Zero && o.RetryBudget <= TimeSpan.FromMinutes(1),
                "Verification:RetryBudget must be between 00:00:00 and 00:01:00.")
            .ValidateOnStart();
        services.TryAddSingleton<INodeKeyCache>(NoNodeKeyCache.Instance);
        return services.AddSingleton<KeyVerifier>();
    }
}
