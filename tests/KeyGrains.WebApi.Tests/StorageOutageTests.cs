using System.Net;
using Microsoft.Data.Sqlite;

namespace KeyGrains.WebApi.Tests;

/// <summary>
/// The embedded store fails under a running service (its table is taken away): admin writes answer
/// 503 with Retry-After and change nothing; once storage is back, everything proceeds as if the
/// failed calls had never been made.
/// </summary>
public sealed class StorageOutageTests
{
    [Fact]
    public async Task AdminWrites_DuringAStorageOutage_Answer503AndLoseNothing()
    {
        var file = Path.Combine(Path.GetTempPath(), "keygrains-webapi-tests", Guid.NewGuid().ToString("N") + ".db");
        await using var host = await ApiHost.StartAsync(new Dictionary<string, string?> { ["Storage:SqlitePath"] = file });
        var org = await host.NewOrg(keyLimit: 3);
        var key = await host.NewKey(org, ["viewer"]);

        await Sql(file, "ALTER TABLE grain_state RENAME TO grain_state_away");
        var create = await host.Operator.Post($"/v1/orgs/{org}/keys", new { name = "during", roles = new[] { "viewer" } });
        var revoke = await host.Operator.Post($"/v1/orgs/{org}/keys/{key.Str("id")}/revoke");
        var readyDuring = await host.ReadinessWithin(HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(5));
        await Sql(file, "ALTER TABLE grain_state_away RENAME TO grain_state");
        var readyAfter = await host.ReadinessWithin(HttpStatusCode.OK, TimeSpan.FromSeconds(5));

        create.Problem(HttpStatusCode.ServiceUnavailable, "service_unavailable");
        revoke.Problem(HttpStatusCode.ServiceUnavailable, "service_unavailable");
        Assert.True(create.Response.Headers.RetryAfter is not null);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK), (readyDuring, readyAfter));
        Assert.Equal("VALID", (await host.Verify(key.Str("key"))).Str("code"));
        var listed = (await host.Operator.Get($"/v1/orgs/{org}/keys")).Ok().Body.GetProperty("items");
        Assert.Equal(1, listed.GetArrayLength());
        (await host.Operator.Post($"/v1/orgs/{org}/keys/{key.Str("id")}/revoke")).Ok();
        Assert.Equal("REVOKED", (await host.Verify(key.Str("key"))).Str("code"));
        Assert.Equal(0, (await host.Operator.Get($"/v1/orgs/{org}")).Ok().Body.GetProperty("activeKeyCount").GetInt32());
    }

    private static async Task Sql(string file, string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
