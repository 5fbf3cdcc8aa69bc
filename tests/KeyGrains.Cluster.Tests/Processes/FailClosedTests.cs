using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace KeyGrains.Cluster.Tests.Processes;

/// <summary>
/// A revocation and a deletion whose key grain rows PostgreSQL refuses to write (a trigger the test
/// installs), after the organization's own write succeeded: the keys refuse at once, and still after
/// every process of the cluster has been restarted and the grains start again from the stale rows.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class FailClosedTests
{
    [Fact]
    public async Task KeysWhoseRowsCannotBeWritten_RefuseAtOnce_AndAfterEveryProcessRestarts()
    {
        await using var cluster = await LocalCluster.CreateAsync();
        var trigger = "kg_test_fail_" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            await cluster.StartSilosAsync(1);
            await cluster.StartWebApiAsync();
            var orgId = "fc-" + Guid.NewGuid().ToString("N")[..12];
            await SendAsync(cluster, HttpMethod.Post, "/v1/orgs", new { id = orgId, name = "Fail closed" }, HttpStatusCode.Created);
            var revoked = await SendAsync(cluster, HttpMethod.Post, $"/v1/orgs/{orgId}/keys", new { roles = new[] { "viewer" } }, HttpStatusCode.Created);
            var deleted = await SendAsync(cluster, HttpMethod.Post, $"/v1/orgs/{orgId}/keys", new { roles = new[] { "viewer" } }, HttpStatusCode.Created);
            var (revokedId, revokedKey) = (revoked.GetProperty("id").GetString()!, revoked.GetProperty("key").GetString()!);
            var (deletedId, deletedKey) = (deleted.GetProperty("id").GetString()!, deleted.GetProperty("key").GetString()!);
            Assert.Equal("VALID", await VerifyAsync(cluster, revokedKey));
            Assert.Equal("VALID", await VerifyAsync(cluster, deletedKey));

            await ExecuteAsync(cluster.ConnectionString, $"""
                CREATE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS $f$
                BEGIN
                  IF NEW.service_id = '{cluster.Id}' AND (position('{revokedId}' in coalesce(NEW.grain_id_ext, '')) > 0
                                                       OR position('{deletedId}' in coalesce(NEW.grain_id_ext, '')) > 0) THEN
                    RAISE EXCEPTION 'a write this test refuses';
                  END IF;
                  RETURN NEW;
                END $f$;
                CREATE TRIGGER {trigger} BEFORE INSERT OR UPDATE ON orleans_grain_state
                  FOR EACH ROW EXECUTE FUNCTION {trigger}();
                """);

            var rowsBefore = await KeyRowVersionsAsync(cluster, revokedId, deletedId);
            Assert.Equal(2, rowsBefore % 1000);
            var answer = await SendAsync(cluster, HttpMethod.Post, $"/v1/orgs/{orgId}/keys/{revokedId}/revoke", null, HttpStatusCode.OK);
            Assert.Equal("revoked", answer.GetProperty("status").GetString());
            await SendAsync(cluster, HttpMethod.Delete, $"/v1/orgs/{orgId}/keys/{deletedId}", null, HttpStatusCode.NoContent);
            Assert.Equal("REVOKED", await VerifyAsync(cluster, revokedKey));
            Assert.Equal("NOT_FOUND", await VerifyAsync(cluster, deletedKey));

            // The trigger held: both key rows are as they were before the changes.
            Assert.Equal(rowsBefore, await KeyRowVersionsAsync(cluster, revokedId, deletedId));

            await cluster.StopAllAsync();
            await cluster.StartSilosAsync(2);
            await cluster.StartWebApiAsync();

            Assert.Equal("REVOKED", await VerifyAsync(cluster, revokedKey));
            Assert.Equal("NOT_FOUND", await VerifyAsync(cluster, deletedKey));
            cluster.RemoveLogs();
        }
        catch (Exception ex)
        {
            throw new Xunit.Sdk.XunitException(ex.Message + "\n" + cluster.Tails());
        }
        finally
        {
            await ExecuteAsync(cluster.ConnectionString, $"DROP TRIGGER IF EXISTS {trigger} ON orleans_grain_state; DROP FUNCTION IF EXISTS {trigger}();");
            await cluster.StopAllAsync();
        }
    }

    /// <summary>The stored versions of the key grains' rows, which the trigger keeps from changing.</summary>
    private static async Task<long> KeyRowVersionsAsync(LocalCluster cluster, string first, string second) =>
        await Postgres.CountAsync(cluster.ConnectionString,
            "SELECT coalesce(sum(version), -1) * 1000 + count(*) FROM orleans_grain_state WHERE service_id = @s AND (position(@a in coalesce(grain_id_ext, '')) > 0 OR position(@b in coalesce(grain_id_ext, '')) > 0)",
            ("s", cluster.Id), ("a", first), ("b", second));

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<JsonElement> SendAsync(LocalCluster cluster, HttpMethod method, string path, object? body, HttpStatusCode expected)
    {
        using var request = cluster.AsOperator(new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) });
        using var response = await cluster.Http!.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: {response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<string> VerifyAsync(LocalCluster cluster, string key)
    {
        using var response = await cluster.Http!.PostAsJsonAsync("/v1/keys/verify", new { key });
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!;
    }
}
