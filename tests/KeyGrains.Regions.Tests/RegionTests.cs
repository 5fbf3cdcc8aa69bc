using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace KeyGrains.Regions.Tests;

[TestCaseOrderer(StepOrder.Name, "KeyGrains.Regions.Tests")]
public sealed class RegionTests(Regions regions, ITestOutputHelper output) : IClassFixture<Regions>
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(1);

    [Fact, Step(1)]
    public async Task Revocations_InThePrimary_AreRefusedInTheReplica_WithinOneSecond_P99()
    {
        // 20 organizations of 10 keys: the standard plan's key limit.
        var keys = new List<(string Org, string Id, string Key)>();
        foreach (var batch in Enumerable.Range(0, 20).Chunk(4))
        {
            var made = await Task.WhenAll(batch.Select(async _ =>
            {
                var (org, id, key) = await regions.NewKeyAsync();
                var more = await Task.WhenAll(Enumerable.Range(0, 9).Select(_ => regions.CreateKeyAsync("a", org)));
                return more.Select(k => (org, k.Id, k.Key)).Prepend((org, id, key));
            }));
            keys.AddRange(made.SelectMany(m => m));
        }

        // The replica holds a copy of each before the change, so the change must reach the copies.
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (k, _) =>
            Assert.NotNull(await regions.TimeUntilAsync("b", k.Key, "VALID", TimeSpan.FromSeconds(10), Stopwatch.GetTimestamp())));

        var lags = new List<TimeSpan>();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (k, _) =>
        {
            (await regions["a"].PostAsync($"/v1/orgs/{k.Org}/keys/{k.Id}/revoke", null)).EnsureSuccessStatusCode();
            var since = Stopwatch.GetTimestamp();
            var lag = await regions.TimeUntilAsync("b", k.Key, "REVOKED", TimeSpan.FromSeconds(10), since);
            lock (lags)
            {
                lags.Add(lag ?? TimeSpan.MaxValue);
            }
        });

        lags.Sort();
        var p99 = lags[(int)Math.Ceiling(lags.Count * 0.99) - 1];
        output.WriteLine($"revocation seen in the replica: median {lags[100].TotalMilliseconds:F0} ms, p99 {p99.TotalMilliseconds:F0} ms, max {lags[^1].TotalMilliseconds:F0} ms");
        Assert.Equal(200, lags.Count);
        Assert.True(p99 <= Budget, $"p99 {p99.TotalMilliseconds:F0} ms, median {lags[100].TotalMilliseconds:F0} ms, max {lags[^1].TotalMilliseconds:F0} ms");
    }

    [Fact, Step(2)]
    public async Task AdminWrites_SentToAReplica_TakeEffectInThePrimary_AndAreAnsweredAsThePrimaryAnswers()
    {
        var org = "fwd-" + Guid.NewGuid().ToString("N")[..10];
        using var created = await regions["b"].PostAsJsonAsync("/v1/orgs", new { id = org, name = "Forwarded" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/v1/orgs/{org}", created.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.OK, (await regions["a"].GetAsync($"/v1/orgs/{org}")).StatusCode);

        // The same refusals, the same bodies: a duplicate, a malformed body, no credential.
        await AssertSameAnswer(c => c.PostAsJsonAsync("/v1/orgs", new { id = org, name = "Again" }), HttpStatusCode.Conflict);
        await AssertSameAnswer(c => c.PostAsync("/v1/orgs", new StringContent("{", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        await AssertSameAnswer(c => c.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/v1/orgs/{org}/keys/nosuchkey0000000")
        {
            Headers = { Authorization = new("Bearer", "wrong-token") },
        }), HttpStatusCode.Unauthorized);

        // And the change is back in the replica's own copy within the budget.
        var since = Stopwatch.GetTimestamp();
        while ((await regions["b"].GetAsync($"/v1/orgs/{org}")).StatusCode != HttpStatusCode.OK)
        {
            Assert.True(Stopwatch.GetElapsedTime(since) < Budget * 2, "the forwarded write never came back to the replica");
            await Task.Delay(20);
        }
    }

    [Fact, Step(3)]
    public async Task LastUse_InAReplica_ReachesThePrimary_AndComesBackWithReplication()
    {
        var (org, id, key) = await regions.NewKeyAsync();
        Assert.NotNull(await regions.TimeUntilAsync("b", key, "VALID", TimeSpan.FromSeconds(10), Stopwatch.GetTimestamp()));

        // Used only in the replica: its node reports to the primary, whose organization writes it,
        // and the write replicates back.
        foreach (var region in new[] { "a", "b" })
        {
            var since = Stopwatch.GetTimestamp();
            while (true)
            {
                var answer = await regions[region].GetFromJsonAsync<JsonElement>($"/v1/orgs/{org}/keys/{id}");
                if (answer.GetProperty("lastUsedAt").ValueKind == JsonValueKind.String)
                {
                    break;
                }

                Assert.True(Stopwatch.GetElapsedTime(since) < TimeSpan.FromSeconds(15), $"lastUsedAt never reached region {region}");
                await Task.Delay(100);
            }
        }
    }

    [Fact, Step(4)]
    public async Task KeysCreated_WhileAReplicaIsPartitioned_VerifyThere_WithinTheBudget_AfterHeal()
    {
        var (org, _, _) = await regions.NewKeyAsync();
        await regions.RunAsync("partition", "b");
        var (_, key) = await regions.CreateKeyAsync("a", org);
        await Task.Delay(300);
        Assert.Equal((200, "NOT_FOUND"), await regions.VerifyAsync("b", key));
        using var refused = await regions["b"].PostAsJsonAsync("/v1/orgs", new { id = "cut-" + Guid.NewGuid().ToString("N")[..8], name = "x" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);

        await regions.RunAsync("heal", "b");
        var lag = await regions.TimeUntilAsync("b", key, "VALID", TimeSpan.FromSeconds(10), Stopwatch.GetTimestamp());
        output.WriteLine($"a key made while partitioned verified {lag?.TotalMilliseconds:F0} ms after heal");
        Assert.True(lag <= Budget * 2, $"the key verified {lag?.TotalMilliseconds:F0} ms after heal");
    }

    [Fact, Step(5)]
    public async Task AReplicaPastMaxStaleness_Answers503_AndServesWhenItsPolicyIsServe()
    {
        var (_, _, key) = await regions.NewKeyAsync();
        Assert.NotNull(await regions.TimeUntilAsync("b", key, "VALID", TimeSpan.FromSeconds(5), Stopwatch.GetTimestamp()));
        Assert.NotNull(await regions.TimeUntilAsync("c", key, "VALID", TimeSpan.FromSeconds(5), Stopwatch.GetTimestamp()));

        await regions.RunAsync("partition", "b");
        await regions.RunAsync("partition", "c");
        await Task.Delay(Regions.MaxStaleness + TimeSpan.FromMilliseconds(800));
        Assert.Equal(503, (await regions.VerifyAsync("b", key)).Status);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await regions["b"].GetAsync("/health/ready")).StatusCode);
        Assert.Equal((200, "VALID"), await regions.VerifyAsync("c", key));
        var listed = await regions["b"].GetFromJsonAsync<JsonElement>("/v1/regions");
        var self = listed.GetProperty("items").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "b");
        Assert.False(self.GetProperty("connected").GetBoolean());
        Assert.True(self.GetProperty("replicationLagMs").GetInt64() >= Regions.MaxStaleness.TotalMilliseconds);

        // The primary still lists a partitioned replica, as not connected, its lag counted from when it last streamed.
        var fromPrimary = (await regions["a"].GetFromJsonAsync<JsonElement>("/v1/regions")).GetProperty("items").EnumerateArray()
            .Single(r => r.GetProperty("name").GetString() == "b");
        Assert.False(fromPrimary.GetProperty("connected").GetBoolean());
        Assert.True(fromPrimary.GetProperty("replicationLagMs").GetInt64() >= Regions.MaxStaleness.TotalMilliseconds);

        await regions.RunAsync("heal", "b");
        await regions.RunAsync("heal", "c");
        Assert.NotNull(await regions.TimeUntilAsync("b", key, "VALID", TimeSpan.FromSeconds(5), Stopwatch.GetTimestamp()));
        Assert.Equal(HttpStatusCode.OK, (await regions["b"].GetAsync("/health/ready")).StatusCode);
    }

    [Fact, Step(6)]
    public async Task Replication_StillFlows_AfterTheScenarios_RanAgainstTheReplicas()
    {
        var (_, _, key) = await regions.NewKeyAsync();
        foreach (var replica in new[] { "b", "c" })
        {
            Assert.True(await regions.TimeUntilAsync(replica, key, "VALID", Budget, Stopwatch.GetTimestamp()) is not null, $"region {replica} did not see a new key");
        }

        // The primary reads its subscribers' state every 200 ms: a replica can stream a moment before it says so.
        JsonElement listed = default;
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < Budget; await Task.Delay(100))
        {
            listed = await regions["a"].GetFromJsonAsync<JsonElement>("/v1/regions");
            if (listed.GetProperty("items").EnumerateArray().All(r => r.GetProperty("connected").GetBoolean()))
            {
                break;
            }
        }

        Assert.Equal(["a", "b", "c"], listed.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("name").GetString()!).Order());
        Assert.All(listed.GetProperty("items").EnumerateArray(), r => Assert.True(r.GetProperty("connected").GetBoolean()));
    }

    [Fact, Step(7)]
    public async Task Promotion_MakesTheReplicaTheWriter_AndTheOtherReplicaFollowsIt()
    {
        var (org, _, key) = await regions.NewKeyAsync();
        Assert.NotNull(await regions.TimeUntilAsync("b", key, "VALID", TimeSpan.FromSeconds(5), Stopwatch.GetTimestamp()));

        await regions.RunAsync("promote", "b");
        using var created = await regions["b"].PostAsJsonAsync($"/v1/orgs/{org}/keys", new { roles = new[] { "viewer" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("b", created.Headers.GetValues("KeyGrains-Region").Single());
        var newKey = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        Assert.Equal((200, "VALID"), await regions.VerifyAsync("b", newKey));
        Assert.Equal((200, "VALID"), await regions.VerifyAsync("b", key));

        // Region c now forwards to b and copies from it.
        var (_, forwarded) = await regions.CreateKeyAsync("c", org);
        Assert.NotNull(await regions.TimeUntilAsync("c", forwarded, "VALID", Budget * 2, Stopwatch.GetTimestamp()));
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(regions.Dir, "regions.json")));
        Assert.Equal("b", json.RootElement.GetProperty("regions").EnumerateArray().Single(r => r.GetProperty("primary").GetBoolean()).GetProperty("name").GetString());
    }

    private async Task AssertSameAnswer(Func<HttpClient, Task<HttpResponseMessage>> send, HttpStatusCode expected)
    {
        using var primary = await send(regions["a"]);
        using var replica = await send(regions["b"]);
        Assert.Equal(expected, primary.StatusCode);
        Assert.Equal(primary.StatusCode, replica.StatusCode);
        Assert.Equal(primary.Content.Headers.ContentType?.MediaType, replica.Content.Headers.ContentType?.MediaType);
        var (a, b) = (await primary.Content.ReadFromJsonAsync<JsonElement>(), await replica.Content.ReadFromJsonAsync<JsonElement>());
        Assert.Equal(a.GetProperty("code").GetString(), b.GetProperty("code").GetString());
        Assert.Equal(a.GetProperty("detail").ToString(), b.GetProperty("detail").ToString());
    }
}
