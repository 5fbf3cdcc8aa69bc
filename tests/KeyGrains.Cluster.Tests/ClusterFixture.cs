using KeyGrains.Hosting;
using Orleans.TestingHost;

namespace KeyGrains.Cluster.Tests;

/// <summary>
/// Three in-process silos whose membership and grain state live in PostgreSQL, with the
/// project's membership tuning. Each run gets its own ClusterId and ServiceId.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    /// <summary>A second storage that deletes the row on clear, to exercise DeleteStorageKey.</summary>
    public const string DeletingStorageName = "keygrains-delete";

    public InProcessTestCluster Cluster { get; private set; } = null!;
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        ConnectionString = await Postgres.ConnectionStringAsync();
        Cluster = await TestClusters.StartAsync(3, postgresClustering: ConnectionString, storage: silo =>
        {
            // The project's own storage registration (serializer included), as the silos use it.
            silo.AddKeyGrainsStorage(new KeyGrainsSiloOptions
            {
                Storage = { Provider = StorageProvider.Postgres },
                ConnectionStrings = { Postgres = ConnectionString },
            });
            silo.AddAdoNetGrainStorage(DeletingStorageName, o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = ConnectionString;
                o.DeleteStateOnClear = true;
            });
        });
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "postgres cluster";
}
