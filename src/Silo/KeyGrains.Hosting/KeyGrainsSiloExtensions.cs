using KeyGrains.Hosting.Observability;
using KeyGrains.Hosting.Regions;
using KeyGrains.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Serialization;
using Orleans.Storage;

namespace KeyGrains.Hosting;

public static class KeyGrainsSiloExtensions
{
    /// <summary>ADO.NET invariant Orleans maps to Microsoft.Data.Sqlite's factory.</summary>
    public const string SqliteInvariant = "System.Data.SQLite";

    public const string PostgresInvariant = "Npgsql";

    /// <summary>
    /// Everything a KeyGrains silo needs, from configuration: cluster identity and ports, clustering,
    /// TLS and grain storage. Used by <c>src/Silo</c> and by the web API when it co-hosts a silo.
    /// </summary>
    public static ISiloBuilder AddKeyGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        var node = silo.Services.ReadValidatedOptions<KeyGrainsSiloOptions, KeyGrainsSiloOptionsValidator>(configuration);
        silo.Services.AddKeyGrainsDomain(configuration);
        silo.Services.AddKeyGrainsTuning(configuration);
        silo.AddIncomingGrainCallFilter<StorageFailureFilter>();
        silo.AddKeyGrainsObservability(configuration);
        var region = silo.Services.AddKeyGrainsRegion(configuration);
        return silo.AddKeyGrainsClustering(node, configuration).UseKeyGrainsTls(node.Orleans.Tls)
            .AddKeyGrainsStorage(node, region).AddKeyGrainsRegionNode(region, node);
    }

    private static ISiloBuilder AddKeyGrainsClustering(this ISiloBuilder silo, KeyGrainsSiloOptions node, IConfiguration configuration)
    {
        var orleans = node.Orleans;

        // Orleans:Tuning holds more than membership (the response timeout, the grain collection age):
        // a single node honours it too.
        silo.AddKeyGrainsMembershipTuning(configuration);
        if (node.Clustering.Provider == ClusteringProvider.Localhost)
        {
            return silo.UseLocalhostClustering(orleans.SiloPort, orleans.GatewayPort, null, orleans.ServiceId, orleans.ClusterId);
        }

        silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (orleans.ClusterId, orleans.ServiceId));
        silo.ConfigureEndpoints(orleans.SiloPort, orleans.GatewayPort);
        return silo.UseAdoNetClustering(o =>
        {
            o.Invariant = PostgresInvariant;
            o.ConnectionString = node.ConnectionStrings.Postgres;
        });
    }

    /// <summary>
    /// Registers the <see cref="GrainStorage.Name"/> grain storage alone, for hosts that bring their own
    /// clustering (the test cluster does).
    /// </summary>
    public static ISiloBuilder AddKeyGrainsStorage(this ISiloBuilder silo, KeyGrainsSiloOptions node, RegionOptions? region = null)
    {
        switch (node.Storage.Provider)
        {
            case StorageProvider.Memory:
                return silo.AddMemoryGrainStorage(GrainStorage.Name);
            case StorageProvider.Postgres:
                var postgres = node.ConnectionStrings.Postgres!;
                // In a replica region the grains' storage wraps this one (Regions/RegionSetup.cs).
                return silo.AddAdoNetGrainStorage(RegionSetup.StorageName(region ?? new()), options => options
                    .Configure<Serializer>((o, serializer) => Configure(o, PostgresInvariant, postgres, serializer)));
            default:
                var connectionString = SqliteConnectionString(node.Storage.SqlitePath);
                silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(new SqliteSchemaInitializer(connectionString));
                return silo.AddAdoNetGrainStorage(GrainStorage.Name, options => options
                    .Configure<Serializer>((o, serializer) => Configure(o, SqliteInvariant, connectionString, serializer)));
        }
    }

    /// <summary>The connection string for a SQLite file path, relative to the current directory.</summary>
    public static string SqliteConnectionString(string path) => new SqliteConnectionStringBuilder
    {
        DataSource = Path.GetFullPath(path),
        Mode = SqliteOpenMode.ReadWriteCreate,
        // Microsoft.Data.Sqlite retries a busy or locked database until the command timeout
        // ends: this is the busy timeout for every connection the ADO.NET provider opens.
        DefaultTimeout = 30,
    }.ToString();

    private static void Configure(AdoNetGrainStorageOptions options, string invariant, string connectionString, Serializer serializer)
    {
        options.Invariant = invariant;
        options.ConnectionString = connectionString;
        // Orleans' own binary format rather than the default Newtonsoft JSON, which records CLR
        // type names: the binary format names types by their [Alias] and members by [Id], so a
        // renamed C# type or property still reads its stored rows.
        options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
    }
}
