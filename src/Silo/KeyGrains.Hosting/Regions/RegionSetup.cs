using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace KeyGrains.Hosting.Regions;

/// <summary>What a silo does as part of a region: stamp heartbeats (primary), or refuse replicated writes and reload replicated changes (replica).</summary>
public static class RegionSetup
{
    /// <summary>Where the storage the grains use is registered when a replica wraps it.</summary>
    public const string InnerStorageName = GrainStorage.Name + "-region";

    public static RegionOptions AddKeyGrainsRegion(this IServiceCollection services, IConfiguration configuration) =>
        services.ReadValidatedOptions<RegionOptions, RegionOptionsValidator>(configuration.GetSection(RegionOptions.Section));

    /// <summary>The silo's part: only with PostgreSQL, the one storage that replicates.</summary>
    public static ISiloBuilder AddKeyGrainsRegionNode(this ISiloBuilder silo, RegionOptions region, KeyGrainsSiloOptions node)
    {
        if (node.Storage.Provider != StorageProvider.Postgres)
        {
            return silo;
        }

        if (!region.IsReplica)
        {
            silo.Services.AddHostedService<Heartbeat>();
            return silo;
        }

        silo.Services.AddKeyedSingleton<IGrainStorage>(GrainStorage.Name,
            (sp, _) => new ReadOnlyReplicatedStorage(sp.GetRequiredKeyedService<IGrainStorage>(InnerStorageName)));
        silo.Services.AddHostedService<ReplicatedChanges>();
        return silo;
    }

    /// <summary>The name the PostgreSQL grain storage registers under: wrapped in a replica region.</summary>
    public static string StorageName(RegionOptions region) => region.IsReplica ? InnerStorageName : GrainStorage.Name;
}
