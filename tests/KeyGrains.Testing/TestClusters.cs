using System.Reflection;
using KeyGrains.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.TestingHost;

namespace KeyGrains.Testing;

/// <summary>
/// The one way the tests build an in-process cluster of KeyGrains silos. What differs between
/// suites (how many silos, which grain storage, where membership lives) is a parameter.
/// </summary>
public static class TestClusters
{
    /// <param name="silos">How many silos to start.</param>
    /// <param name="storage">Registers the grain storage the suite tests (memory, SQLite, PostgreSQL, ...).</param>
    /// <param name="postgresClustering">A connection string to keep membership in PostgreSQL with the project's tuning; null for the test host's in-memory membership.</param>
    /// <param name="serviceId">A fixed ServiceId, for storage whose rows outlive one cluster; null for a fresh one.</param>
    /// <param name="host">Anything else a suite sets on each silo's host (options, clocks).</param>
    /// <param name="tls">Mutual TLS between the silos and from the test client, as the real nodes use it; null for plain TCP.</param>
    public static async Task<InProcessTestCluster> StartAsync(
        short silos,
        Action<ISiloBuilder> storage,
        string? postgresClustering = null,
        string? serviceId = null,
        Action<IHostApplicationBuilder>? host = null,
        NodeTlsOptions? tls = null)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        if (serviceId is not null)
        {
            builder.Options.ServiceId = serviceId;
        }

        builder.ConfigureSilo((_, silo) => storage(silo));
        builder.ConfigureSiloHost((_, siloHost) =>
        {
            siloHost.Services.AddKeyGrainsDomain(siloHost.Configuration);
            host?.Invoke(siloHost);
        });
        if (tls is not null)
        {
            builder.ConfigureSilo((_, silo) => silo.UseKeyGrainsTls(tls));
            builder.ConfigureClient(client => client.UseKeyGrainsTls(tls));
        }

        if (postgresClustering is not null)
        {
            UsePostgresClustering(builder, postgresClustering);
        }

        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    private static void UsePostgresClustering(InProcessTestClusterBuilder builder, string connectionString)
    {
        // The test host otherwise registers its in-memory membership table and grain directory
        // after ours, and the cluster would never touch PostgreSQL. The switch is internal.
        typeof(InProcessTestClusterOptions)
            .GetProperty("UseTestClusterMembership", BindingFlags.Instance | BindingFlags.NonPublic)!
            .SetValue(builder.Options, false);
        var tuning = new ConfigurationBuilder().Build();
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UseAdoNetClustering(o => { o.Invariant = "Npgsql"; o.ConnectionString = connectionString; });
            silo.AddKeyGrainsMembershipTuning(tuning);
        });
        builder.ConfigureClient(client =>
        {
            client.UseAdoNetClustering(o => { o.Invariant = "Npgsql"; o.ConnectionString = connectionString; });
            client.AddKeyGrainsClientTuning(tuning);
        });
    }
}
