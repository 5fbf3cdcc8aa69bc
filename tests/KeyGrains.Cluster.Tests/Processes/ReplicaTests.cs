using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace KeyGrains.Cluster.Tests.Processes;

/// <summary>
/// Every web API node answers from its own copies of keys, and still no node answers from a copy
/// older than an acknowledged change: real processes on PostgreSQL, a node frozen with SIGSTOP.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class ReplicaTests(ITestOutputHelper output)
{
    private const int Revocations = 200;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RevocationsThroughOneNode_AreRefusedAtOnceByEveryOtherNode(bool coHosted)
    {
        await using var cluster = await LocalCluster.CreateAsync();
        await RunAsync(cluster, async () =>
        {
            if (!coHosted)
            {
                await cluster.StartSilosAsync(1, 2);
            }

            var nodes = new List<WebNode>();
            for (var i = 0; i < 3; i++)
            {
                nodes.Add(await cluster.StartWebNodeAsync(coHosted));
            }

            var org = "rep-" + Guid.NewGuid().ToString("N")[..10];
            await SendAsync(cluster, nodes[0], HttpMethod.Post, "/v1/orgs", new { id = org, name = "Replicas", keyLimit = 1000 }, HttpStatusCode.Created);
            var keys = new List<(string Id, string Secret)>();
            for (var i = 0; i < Revocations; i++)
            {
                var created = await SendAsync(cluster, nodes[i % 3], HttpMethod.Post, $"/v1/orgs/{org}/keys", new { roles = new[] { "viewer" } }, HttpStatusCode.Created);
                keys.Add((created.GetProperty("id").GetString()!, created.GetProperty("key").GetString()!));
            }

            // Every node holds a copy of every key before the revocations start.
            foreach (var node in nodes)
            {
                foreach (var (_, secret) in keys)
                {
                    Assert.Equal("VALID", await VerifyAsync(node, secret));
                }
            }

            var stale = new List<string>();
            var took = new List<double>();
            for (var i = 0; i < Revocations; i++)
            {
                var through = nodes[i % 3];
                var clock = Stopwatch.StartNew();
                await SendAsync(cluster, through, HttpMethod.Post, $"/v1/orgs/{org}/keys/{keys[i].Id}/revoke", null, HttpStatusCode.OK);
                took.Add(clock.Elapsed.TotalMilliseconds);
                foreach (var other in nodes.Where(n => n != through))
                {
                    var code = await VerifyAsync(other, keys[i].Secret);
                    if (code != "REVOKED")
                    {
                        stale.Add($"key {i} revoked through {through.Name}: {other.Name} answered {code}");
                    }
                }
            }

            took.Sort();
            output.WriteLine($"{(coHosted ? "co-hosted" : "client mode")}: {Revocations} revocations, median {took[took.Count / 2]:F1} ms, p99 {took[(int)(took.Count * 0.99)]:F1} ms; {stale.Count} stale answers");
            Assert.True(stale.Count == 0, string.Join("\n", stale.Take(20)));
        });
    }

    [Fact]
    public async Task ARevocationWhileANodeIsFrozen_ReturnsWithinItsLease_AndTheNodeRefusesOnceItRuns()
    {
        var lease = TimeSpan.FromSeconds(4);
        await using var cluster = await LocalCluster.CreateAsync();
        cluster.Overrides["Replicas__LeaseDuration"] = lease.ToString();
        cluster.Overrides["Replicas__ConfirmTimeout"] = "00:00:01";
        await RunAsync(cluster, async () =>
        {
            await cluster.StartSilosAsync(1);
            var running = await cluster.StartWebNodeAsync(coHosted: false);
            var frozen = await cluster.StartWebNodeAsync(coHosted: false);
            var org = "frz-" + Guid.NewGuid().ToString("N")[..10];
            await SendAsync(cluster, running, HttpMethod.Post, "/v1/orgs", new { id = org, name = "Frozen" }, HttpStatusCode.Created);
            var created = await SendAsync(cluster, running, HttpMethod.Post, $"/v1/orgs/{org}/keys", new { roles = new[] { "viewer" } }, HttpStatusCode.Created);
            var (id, secret) = (created.GetProperty("id").GetString()!, created.GetProperty("key").GetString()!);
            Assert.Equal("VALID", await VerifyAsync(running, secret));
            Assert.Equal("VALID", await VerifyAsync(frozen, secret));

            await frozen.Process.FreezeAsync();
            var clock = Stopwatch.StartNew();
            await SendAsync(cluster, running, HttpMethod.Post, $"/v1/orgs/{org}/keys/{id}/revoke", null, HttpStatusCode.OK);
            var took = clock.Elapsed;
            output.WriteLine($"revocation with a frozen node took {took.TotalMilliseconds:F0} ms (lease {lease.TotalSeconds} s)");

            // It waited for the frozen node (at least the confirmation timeout), and no longer than its lease allows.
            Assert.InRange(took, TimeSpan.FromSeconds(1), lease + TimeSpan.FromSeconds(2));
            Assert.Equal("REVOKED", await VerifyAsync(running, secret));

            await frozen.Process.ThawAsync();
            Assert.Equal("REVOKED", await VerifyAsync(frozen, secret));

            // Expelled for missing the change, it joined again, and a later change reaches it at once.
            var again = await SendAsync(cluster, running, HttpMethod.Post, $"/v1/orgs/{org}/keys", new { roles = new[] { "viewer" } }, HttpStatusCode.Created);
            var (againId, againSecret) = (again.GetProperty("id").GetString()!, again.GetProperty("key").GetString()!);
            await WaitUntilAsync(async () => await VerifyAsync(frozen, againSecret) == "VALID");
            clock.Restart();
            await SendAsync(cluster, running, HttpMethod.Post, $"/v1/orgs/{org}/keys/{againId}/revoke", null, HttpStatusCode.OK);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"a change with every node answering took {clock.Elapsed}");
            Assert.Equal("REVOKED", await VerifyAsync(frozen, againSecret));
        });
    }

    [Fact]
    public async Task AHotKeyVerifiedWithoutPauseAcrossSeveralCollectionPeriods_NeverMisses()
    {
        var collectionAge = TimeSpan.FromSeconds(2);
        await using var cluster = await LocalCluster.CreateAsync();
        cluster.Overrides["Orleans__Tuning__CollectionAge"] = collectionAge.ToString();
        await RunAsync(cluster, async () =>
        {
            await cluster.StartSilosAsync(1);
            var node = await cluster.StartWebNodeAsync(coHosted: false);
            var org = "hot-" + Guid.NewGuid().ToString("N")[..10];
            await SendAsync(cluster, node, HttpMethod.Post, "/v1/orgs", new { id = org, name = "Hot" }, HttpStatusCode.Created);
            var created = await SendAsync(cluster, node, HttpMethod.Post, $"/v1/orgs/{org}/keys", new { roles = new[] { "viewer" } }, HttpStatusCode.Created);
            var secret = created.GetProperty("key").GetString()!;
            await WaitUntilAsync(async () => await VerifyAsync(node, secret) == "VALID" && await CacheAsync(node, "hit") > 0);

            var missesBefore = await CacheAsync(node, "miss");
            var hitsBefore = await CacheAsync(node, "hit");
            var verified = 0;
            var until = Stopwatch.StartNew();
            while (until.Elapsed < collectionAge * 4)
            {
                Assert.Equal("VALID", await VerifyAsync(node, secret));
                verified++;
            }

            // Its grain saw none of these and was collected; the node's copy answered every one.
            Assert.Equal(missesBefore, await CacheAsync(node, "miss"));
            Assert.Equal(hitsBefore + verified, await CacheAsync(node, "hit"));
            output.WriteLine($"{verified} verifications over {until.Elapsed.TotalSeconds:F1} s (collection age {collectionAge.TotalSeconds} s), 0 misses");
        });
    }

    /// <summary>The node's <c>keygrains_verification_cache_total</c> for <paramref name="result"/>, from its <c>/metrics</c>.</summary>
    private static async Task<long> CacheAsync(WebNode node, string result)
    {
        var text = await node.Http.GetStringAsync("/metrics");
        var label = $"result=\"{result}\"";
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("keygrains_verification_cache_total{", StringComparison.Ordinal) && l.Contains(label, StringComparison.Ordinal));
        // "name{labels} value [timestamp]"
        return line is null ? 0 : (long)double.Parse(line[(line.IndexOf("} ", StringComparison.Ordinal) + 2)..].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Runs <paramref name="scenario"/>, keeps the processes' logs when it fails, and stops every process.</summary>
    private static async Task RunAsync(LocalCluster cluster, Func<Task> scenario)
    {
        try
        {
            await scenario();
            cluster.RemoveLogs();
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            throw new Xunit.Sdk.XunitException(ex.Message + "\n" + cluster.Tails());
        }
        finally
        {
            await StopAsync(cluster);
        }
    }

    private static async Task StopAsync(LocalCluster cluster)
    {
        await Task.WhenAll(cluster.WebNodes.Select(n => n.Process.StopAsync(TimeSpan.FromSeconds(20))));
        await cluster.StopAllAsync();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(100);
        }
    }

    private static async Task<JsonElement> SendAsync(LocalCluster cluster, WebNode node, HttpMethod method, string path, object? body, HttpStatusCode expected)
    {
        using var request = cluster.AsOperator(new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) });
        using var response = await node.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path} on {node.Name}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<string> VerifyAsync(WebNode node, string key)
    {
        using var response = await node.Http.PostAsJsonAsync("/v1/keys/verify", new { key });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"verify on {node.Name}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("code").GetString()!;
    }
}
