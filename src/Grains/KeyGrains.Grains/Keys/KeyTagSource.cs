using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KeyGrains.Keys;

/// <summary>
/// This node's <see cref="KeyTagger"/>, built once from the secrets the cluster stores (the operator
/// grain) and the settings. The grains tag new keys with it; verification checks presented keys.
/// </summary>
public sealed class KeyTagSource(IOptions<KeyTagOptions> options)
{
    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile KeyTagger? _current;

    /// <summary>A source whose tagger is given rather than loaded from the cluster.</summary>
    public static KeyTagSource Of(KeyTagger tagger) => new(Options.Create(new KeyTagOptions())) { _current = tagger };

    /// <summary>The tagger once loaded; null before the first <see cref="GetAsync"/> completed.</summary>
    public KeyTagger? Current => _current;

    public async ValueTask<KeyTagger> GetAsync(IGrainFactory grains)
    {
        if (_current is { } loaded)
        {
            return loaded;
        }

        await _loading.WaitAsync();
        try
        {
            if (_current is null)
            {
                var secrets = await grains.GetGrain<IOperatorGrain>(0).GetKeyTagSecrets(options.Value.KeyTagSecrets);
                _current = new KeyTagger(secrets, options.Value.AcceptLegacyKeys);
            }

            return _current;
        }
        finally
        {
            _loading.Release();
        }
    }
}

public static class KeyTagServiceCollectionExtensions
{
    /// <summary>One <see cref="KeyTagSource"/> per process, for a silo, a web API or both in one process.</summary>
    public static IServiceCollection AddKeyTags(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(KeyTagSource)))
        {
            return services;
        }

        services.AddValidatedOptions<KeyTagOptions, KeyTagOptionsValidator>(configuration.GetSection(KeyTagOptions.Section));
        services.TryAddSingleton<KeyTagSource>();
        return services;
    }
}
