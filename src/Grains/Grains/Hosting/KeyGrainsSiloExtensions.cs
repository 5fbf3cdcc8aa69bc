using Microsoft.Extensions.Configuration;
using Orleans.Hosting;

namespace KeyGrains.Hosting;

public static class KeyGrainsSiloExtensions
{
    /// <summary>The one grain storage every KeyGrains grain uses.</summary>
    public const string StorageName = "keygrains";

    /// <summary>
    /// Everything a KeyGrains silo needs, from configuration: cluster identity and ports, clustering
    /// and grain storage. Used by <c>src/Silo</c> and by the web API when it co-hosts a silo.
    /// </summary>
    public static ISiloBuilder AddKeyGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        // Placeholder until the storage work lands: localhost clustering, memory storage.
        silo.UseLocalhostClustering();
        silo.AddMemoryGrainStorage(StorageName);
        return silo;
    }
}
