using KeyGrains.Keys;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KeyGrains.WebApi.Verification;

public static class VerificationSetup
{
    /// <summary>
    /// The verifier and its settings. A co-hosted silo registers its own <see cref="INodeKeyCache"/>
    /// (its active keys); without one, as in Client mode, every verification asks the key's grain.
    /// </summary>
    public static IServiceCollection AddKeyGrainsVerification(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<VerificationOptions, VerificationOptionsValidator>(configuration.GetSection(VerificationOptions.SectionName));
        services.TryAddSingleton<INodeKeyCache>(NoNodeKeyCache.Instance);
        return services.AddSingleton<KeyVerifier>();
    }
}
