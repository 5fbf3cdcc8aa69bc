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
        services.AddKeyTags(configuration);
        services.AddHostedService<KeyTagPreload>();
        return services.AddSingleton<KeyVerifier>();
    }
}

/// <summary>Loads the key tags at start, so no verification waits for them.</summary>
internal sealed class KeyTagPreload(KeyTagSource keyTags, IGrainFactory grains) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken) => await keyTags.GetAsync(grains);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
