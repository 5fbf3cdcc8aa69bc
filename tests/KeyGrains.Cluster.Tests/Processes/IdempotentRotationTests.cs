using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace KeyGrains.Cluster.Tests.Processes;

/// <summary>
/// A rotation whose caller got 503 because PostgreSQL froze (SIGSTOP) under it, repeated with the
/// same <c>Idempotency-Key</c> once the database answers again: one new secret, and the original
/// still verifies within its grace. The server is this test's own, so the freeze reaches no other test.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class IdempotentRotationTests
{
    private const int PrivatePort = 55471;
    private static readonly TimeSpan Freeze = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task RotationInterruptedByAFrozenDatabase_RepeatedWithTheSameKey_GivesOneNewSecret()
    {
        var connectionString = await Postgres.StartPrivateAsync(PrivatePort);
        await using var cluster = await LocalCluster.CreateAsync(connectionString);
        try
        {
            await cluster.StartSilosAsync(1);
            await cluster.StartWebApiAsync();
            var orgId = "idem-" + Guid.NewGuid().ToString("N")[..12];
            await SendAsync(cluster, HttpMethod.Post, "/v1/orgs", new { id = orgId, name = "Idempotent" }, HttpStatusCode.Created);
            var created = await SendAsync(cluster, HttpMethod.Post, $"/v1/orgs/{orgId}/keys", new { roles = new[] { "viewer" } }, HttpStatusCode.Created);
            var original = created.GetProperty("key").GetString()!;
            var keyId = created.GetProperty("id").GetString()!;
            Assert.Equal("VALID", await VerifyAsync(cluster, original));
            var header = "rotate-" + Guid.NewGuid().ToString("N");
            var rotate = $"/v1/orgs/{orgId}/keys/{keyId}/rotate";

            var pids = Postgres.ServerPids(PrivatePort);
            HttpStatusCode interrupted;
            await SignalAsync("STOP", pids);
            try
            {
                var watch = Stopwatch.StartNew();
                using var response = await cluster.Http!.SendAsync(Request(cluster, HttpMethod.Post, rotate, new { gracePeriodSeconds = 600 }, header));
                interrupted = response.StatusCode;
                await Task.Delay(Freeze - watch.Elapsed is { Ticks: > 0 } rest ? rest : TimeSpan.Zero);
            }
            finally
            {
                await SignalAsync("CONT", pids);
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, interrupted);
            var retried = await RetryUntilOkAsync(cluster, rotate, header);
            var again = await SendAsync(cluster, HttpMethod.Post, rotate, new { gracePeriodSeconds = 600 }, HttpStatusCode.OK, header);
            var secret = retried.GetProperty("key").GetString()!;

            Assert.Equal(secret, again.GetProperty("key").GetString());
            Assert.NotEqual(original, secret);
            Assert.Equal("VALID", await VerifyAsync(cluster, original));
            Assert.Equal("VALID", await VerifyAsync(cluster, secret));
            var key = await SendAsync(cluster, HttpMethod.Get, $"/v1/orgs/{orgId}/keys/{keyId}", null, HttpStatusCode.OK);
            Assert.Equal(secret[^4..], key.GetProperty("last4").GetString());
            var audit = await SendAsync(cluster, HttpMethod.Get, $"/v1/orgs/{orgId}/audit?limit=200", null, HttpStatusCode.OK);
            Assert.Single(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "key.rotated");
            cluster.RemoveLogs();
        }
        catch (Exception ex)
        {
            throw new Xunit.Sdk.XunitException(ex.Message + "\n" + cluster.Tails());
        }
        finally
        {
            await cluster.StopAllAsync();
            await Postgres.StopPrivateAsync(PrivatePort);
        }
    }

    /// <summary>The caller's retries, a second apart: each is the same request under the same key.</summary>
    private static async Task<JsonElement> RetryUntilOkAsync(LocalCluster cluster, string rotate, string header)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await cluster.Http!.SendAsync(Request(cluster, HttpMethod.Post, rotate, new { gracePeriodSeconds = 600 }, header));
            if (response.StatusCode == HttpStatusCode.OK || attempt == 20)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return await response.Content.ReadFromJsonAsync<JsonElement>();
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            await Task.Delay(1000);
        }
    }

    private static async Task<JsonElement> SendAsync(LocalCluster cluster, HttpMethod method, string path, object? body, HttpStatusCode expected, string? header = null)
    {
        using var response = await cluster.Http!.SendAsync(Request(cluster, method, path, body, header));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: {response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static HttpRequestMessage Request(LocalCluster cluster, HttpMethod method, string path, object? body, string? header)
    {
        var request = cluster.AsOperator(new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) });
        if (header is not null)
        {
            request.Headers.Add("Idempotency-Key", header);
        }

        return request;
    }

    private static async Task<string> VerifyAsync(LocalCluster cluster, string key)
    {
        using var response = await cluster.Http!.PostAsJsonAsync("/v1/keys/verify", new { key });
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!;
    }

    private static async Task SignalAsync(string signal, int[] pids)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, .. pids.Select(p => p.ToString(CultureInfo.InvariantCulture))]))!;
        await kill.WaitForExitAsync();
    }
}
