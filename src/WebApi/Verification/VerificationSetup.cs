using KeyGrains.Keys;
using KeyGrains.Replicas;

namespace KeyGrains.WebApi.Verification;

public static class VerificationSetup
{
    /// <summary>
    /// The verifier and its settings, and this node's copies of the keys it verifies, co-hosted or in
    /// Client mode alike.
    /// </summary>
    public static IServiceCollection AddKeyGrainsVerification(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<VerificationOptions, VerificationOptionsValidator>(configuration.GetSection(VerificationOptions.SectionName));
        services.AddReplicaNode(configuration);
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
