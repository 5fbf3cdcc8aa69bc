using System.Reflection;
using KeyGrains.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
        var tuning = new ConfigurationBuilder().Build();
        var builder = new InProcessTestClusterBuilder(3);
        // The test host otherwise registers its in-memory membership table and grain directory
        // after ours, and the cluster would never touch PostgreSQL. The switch is internal.
        typeof(InProcessTestClusterOptions)
            .GetProperty("UseTestClusterMembership", BindingFlags.Instance | BindingFlags.NonPublic)!
            .SetValue(builder.Options, false);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UseAdoNetClustering(o => { o.Invariant = "Npgsql"; o.ConnectionString = ConnectionString; });
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
            silo.AddKeyGrainsMembershipTuning(tuning);
            silo.Services.AddKeyGrainsDomain(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        });
        builder.ConfigureClient(client =>
        {
            client.UseAdoNetClustering(o => { o.Invariant = "Npgsql"; o.ConnectionString = ConnectionString; });
            client.AddKeyGrainsClientTuning(tuning);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
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
