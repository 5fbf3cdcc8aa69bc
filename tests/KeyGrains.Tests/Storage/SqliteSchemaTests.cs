using KeyGrains.Storage;
using Microsoft.Data.Sqlite;

namespace KeyGrains.Tests.Storage;

public sealed class SqliteSchemaTests : IDisposable
{
    private readonly TempSqliteFile _file = new();

    public void Dispose() => _file.Dispose();

    [Fact]
    public async Task Apply_OnMissingFile_CreatesDirectoryAndFileAtLatestVersionInWalMode()
    {
        Assert.False(Directory.Exists(Path.GetDirectoryName(_file.FilePath)));

        var (before, after) = await SqliteSchema.ApplyAsync(_file.ConnectionString);

        Assert.Equal((0, SqliteSchema.LatestVersion), (before, after));
        Assert.True(SqliteSchema.LatestVersion >= 2);
        Assert.Equal("wal", await _file.ScalarAsync<string>("PRAGMA journal_mode"));
        Assert.Equal(4, await _file.ScalarAsync<long>(
            "SELECT count(*) FROM OrleansQuery WHERE QueryKey IN ('ReadFromStorageKey', 'WriteToStorageKey', 'ClearStorageKey', 'DeleteStorageKey')"));
    }

    [Fact]
    public async Task Connection_SyncsEveryCommit()
    {
        await SqliteSchema.ApplyAsync(_file.ConnectionString);

        // 2 = FULL: each commit's WAL frame is fsynced, so an acknowledged write outlives a power cut.
        Assert.Equal(2, await _file.ScalarAsync<long>("PRAGMA synchronous"));
    }

    [Fact]
    public async Task Apply_Twice_IsHarmlessAndKeepsData()
    {
        await SqliteSchema.ApplyAsync(_file.ConnectionString);
        await InsertStateRowAsync();

        var second = await SqliteSchema.ApplyAsync(_file.ConnectionString);
        // Also force every script through again, as a crash before a version stamp would.
        foreach (var script in SqliteSchema.Scripts)
        {
            await ExecuteAsync(script.Sql);
        }

        Assert.Equal((SqliteSchema.LatestVersion, SqliteSchema.LatestVersion), second);
        Assert.Equal(1, await _file.ScalarAsync<long>("SELECT count(*) FROM grain_state"));
        Assert.Equal(4, await _file.ScalarAsync<long>("SELECT count(*) FROM OrleansQuery"));
    }

    [Fact]
    public async Task Apply_OnFileFromOlderVersion_UpgradesAndKeepsData()
    {
        await SqliteSchema.ApplyAsync(_file.ConnectionString, targetVersion: 1);
        await InsertStateRowAsync();
        Assert.Equal(0, await _file.ScalarAsync<long>("SELECT count(*) FROM OrleansQuery"));

        var (before, after) = await SqliteSchema.ApplyAsync(_file.ConnectionString);

        Assert.Equal((1, SqliteSchema.LatestVersion), (before, after));
        Assert.Equal(SqliteSchema.LatestVersion, await _file.ScalarAsync<long>("PRAGMA user_version"));
        Assert.Equal(4, await _file.ScalarAsync<long>("SELECT count(*) FROM OrleansQuery"));
        Assert.Equal(1, await _file.ScalarAsync<long>("SELECT count(*) FROM grain_state"));
    }

    [Fact]
    public async Task Apply_OnFileFromNewerBuild_RefusesToStart()
    {
        await SqliteSchema.ApplyAsync(_file.ConnectionString);
        await ExecuteAsync("PRAGMA user_version = 999;");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => SqliteSchema.ApplyAsync(_file.ConnectionString));

        Assert.Contains("Storage:SqlitePath", error.Message);
    }

    [Fact]
    public void Scripts_AreEmbeddedInFileNameOrder()
    {
        var names = SqliteSchema.Scripts.Select(s => s.Name).ToList();

        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Equal(Enumerable.Range(1, names.Count), SqliteSchema.Scripts.Select(s => s.Version));
    }

    private Task InsertStateRowAsync() => ExecuteAsync(
        "INSERT INTO grain_state (service_id, grain_type, key_n0, key_n1, key_ext, payload, version, modified_at) " +
        "VALUES ('svc', 'type', 0, 0, 'key', x'00', 1, '2026-01-01T00:00:00Z');");

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection(_file.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
