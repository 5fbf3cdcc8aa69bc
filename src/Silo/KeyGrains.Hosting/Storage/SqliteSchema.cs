using System.Reflection;
using Microsoft.Data.Sqlite;

namespace KeyGrains.Storage;

/// <summary>
/// Brings an embedded SQLite file up to the schema in <c>deploy/sql/sqlite</c>. The scripts are
/// embedded in this assembly, so a published build needs no files beside it. Each script's
/// number is a schema version, recorded in <c>PRAGMA user_version</c>.
/// </summary>
public static class SqliteSchema
{
    private const string ResourcePrefix = "KeyGrains.Sql.Sqlite.";

    /// <summary>The scripts in apply order, numbered from 1 by their file-name order.</summary>
    public static IReadOnlyList<(int Version, string Name, string Sql)> Scripts { get; } = LoadScripts();

    public static int LatestVersion => Scripts.Count;

    /// <summary>
    /// Creates the file (and its directory) if missing, switches it to WAL and applies every script
    /// newer than the file's version, each in its own transaction with its version stamp.
    /// </summary>
    /// <param name="targetVersion">Stop at this version; tests use it to build an older file.</param>
    /// <returns>The file's schema version before and after.</returns>
    public static async Task<(int Before, int After)> ApplyAsync(
        string connectionString, int? targetVersion = null, CancellationToken cancellationToken = default)
    {
        var target = targetVersion ?? LatestVersion;
        EnsureDirectory(connectionString);

        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);

        // WAL is a property of the file, so setting it here covers every later connection; it lets
        // reads proceed during a write, and each commit is durable once its WAL frame is synced.
        await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken);

        var before = Convert.ToInt32(await ScalarAsync(connection, "PRAGMA user_version;", cancellationToken));
        if (before > LatestVersion)
        {
            throw new InvalidOperationException(
                $"The database file has schema version {before}, newer than this build knows ({LatestVersion}); " +
                "run a newer KeyGrains or point Storage:SqlitePath at another file.");
        }

        foreach (var script in Scripts.Where(s => s.Version > before && s.Version <= target))
        {
            // IMMEDIATE takes the write lock up front, so two processes starting on one new file
            // apply a script one after the other rather than failing half-way.
            await using var transaction = connection.BeginTransaction(deferred: false);
            await ExecuteAsync(connection, transaction, script.Sql, cancellationToken);
            await ExecuteAsync(connection, transaction, $"PRAGMA user_version = {script.Version};", cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var after = Convert.ToInt32(await ScalarAsync(connection, "PRAGMA user_version;", cancellationToken));
        return (before, after);
    }

    private static void EnsureDirectory(string connectionString)
    {
        var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }

    private static async Task ExecuteAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private static List<(int, string, string)> LoadScripts()
    {
        var assembly = typeof(SqliteSchema).Assembly;
        var names = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (names.Count == 0)
        {
            throw new InvalidOperationException("KeyGrains.Grains was built without its SQLite scripts (deploy/sql/sqlite).");
        }

        return names.Select((name, index) => (index + 1, name[ResourcePrefix.Length..], Read(assembly, name))).ToList();
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
