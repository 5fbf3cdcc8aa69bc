using KeyGrains.Hosting;
using Orleans.TestingHost;

namespace KeyGrains.Cluster.Tests;

/// <summary>
/// Three in-process silos whose membership and grain state live in PostgreSQL, with the
/// project's membership tuning and mutual TLS from a throwaway CA, as a real cluster runs.
/// Each run gets its own ClusterId and ServiceId.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    /// <summary>A second storage that deletes the row on clear, to exercise DeleteStorageKey.</summary>
    public const string DeletingStorageName = "keygrains-delete";

    private string _certificates = "";

    public InProcessTestCluster Cluster { get; private set; } = null!;
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        ConnectionString = await Postgres.ConnectionStringAsync();
        _certificates = Directory.CreateTempSubdirectory("keygrains-cluster-tls-").FullName;
        var tls = TestCa.Create(_certificates).Issue("silo");
        Cluster = await TestClusters.StartAsync(3, postgresClustering: ConnectionString, tls: tls, storage: silo =>
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
        Directory.Delete(_certificates, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "postgres cluster";
}
