using KeyGrains.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;

namespace KeyGrains.Tests.Storage;

/// <summary>A temp SQLite file and test clusters that store grains in it.</summary>
public sealed class TempSqliteFile : IDisposable
{
    public TempSqliteFile()
    {
        DirectoryPath = Path.Combine(Path.GetTempPath(), "keygrains-tests", Guid.NewGuid().ToString("N"));
        // A sub-directory that does not exist yet: starting must create it.
        FilePath = Path.Combine(DirectoryPath, "data", "keygrains.db");
    }

    public const string ServiceId = "keygrains-tests";

    public string DirectoryPath { get; }

    public string FilePath { get; }

    public string ConnectionString => KeyGrainsSiloExtensions.SqliteConnectionString(FilePath);

    public KeyGrainsSiloOptions Settings => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:SqlitePath"] = FilePath })
        .Build()
        .GetValidatedOptions<KeyGrainsSiloOptions, KeyGrainsSiloOptionsValidator>();

    /// <summary>Starts a one-silo cluster on this file. The service id is fixed because rows are keyed by it.</summary>
    /// <param name="storage">A change to the storage options, for a test of a setting KeyGrains does not use.</param>
    public Task<InProcessTestCluster> StartClusterAsync(Action<ISiloBuilder>? storage = null)
    {
        var settings = Settings;
        return TestClusters.StartAsync(1, serviceId: ServiceId, storage: silo =>
        {
            silo.AddKeyGrainsStorage(settings);
            storage?.Invoke(silo);
        });
    }

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, typeof(T));
    }

    public void Dispose()
    {
        // Pooled connections keep the file open; release them before deleting.
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DirectoryPath, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp file is not worth failing a test over.
        }
    }
}

/// <summary>One cluster on one temp file for a whole test class.</summary>
public sealed class SqliteClusterFixture : IAsyncLifetime
{
    public TempSqliteFile File { get; } = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await File.StartClusterAsync();

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        File.Dispose();
    }
}
