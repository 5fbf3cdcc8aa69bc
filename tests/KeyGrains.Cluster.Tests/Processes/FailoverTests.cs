using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace KeyGrains.Cluster.Tests.Processes;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessCollection
{
    // Alone: the failover figures mean little while other tests' silos share the two cores.
    public const string Name = "silo processes";
}

/// <summary>
/// Three <c>src/Silo</c> processes and a web API in Client mode on PostgreSQL, as deployed: a silo
/// is SIGKILLed, then another frozen with SIGSTOP, under a steady verification load; then all stop
/// and two silos start again on the same database.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class FailoverTests(ITestOutputHelper output)
{
    private const int KeyCount = 50;
    private const int Loops = 4;
    private const int PerLoopPerSecond = 200;
    private static readonly TimeSpan BeforeFault = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task SiloKilledOrFrozenUnderLoad_NoWrongAnswers_AndAFullRestartKeepsEverything()
    {
        await using var cluster = await LocalCluster.CreateAsync();
        try
        {
            await cluster.StartSilosAsync(1, 2, 3);
            await cluster.StartWebApiAsync();
            var (org, keys) = await SeedAsync(cluster);
            var load = new VerificationLoad(cluster.Http!, keys);
            await AssertEveryKeyAnswersAsBeforeAsync(load);

            var killed = await FaultUnderLoadAsync("SIGKILL silo 2", load, TimeSpan.FromSeconds(12), () =>
            {
                cluster.Silos[2].Kill();
                return Task.CompletedTask;
            });
            AssertFailover(killed);
            await AssertEveryKeyAnswersAsBeforeAsync(load);

            // Back to three, then a silo that stops answering without resetting its connections.
            await cluster.StartSilosAsync(4);
            var frozen = await FaultUnderLoadAsync("SIGSTOP silo 3", load, TimeSpan.FromSeconds(15), () => cluster.Silos[3].FreezeAsync());
            AssertFailover(frozen);
            await AssertEveryKeyAnswersAsBeforeAsync(load);

            var before = await SnapshotAsync(cluster, org);
            await cluster.StopAllAsync();
            await cluster.StartSilosAsync(5, 6);
            await cluster.StartWebApiAsync();
            Assert.Equal(before, await SnapshotAsync(cluster, org));
            await AssertEveryKeyAnswersAsBeforeAsync(new VerificationLoad(cluster.Http!, keys));
        }
        catch
        {
            output.WriteLine($"Logs in {cluster.WorkDir}; their ends:\n{cluster.Tails()}");
            throw;
        }

        if (Environment.GetEnvironmentVariable("KG_KEEP_LOGS") is not { Length: > 0 })
        {
            cluster.RemoveLogs();
        }
    }

    /// <summary>An org with 50 keys, every fifth revoked: the codes every later answer must match.</summary>
    private static async Task<(string Org, List<KnownKey> Keys)> SeedAsync(LocalCluster cluster)
    {
        var org = "failover-" + Guid.NewGuid().ToString("N")[..8];
        await SendAsync(cluster, HttpMethod.Post, "/v1/orgs", new { id = org, name = "Failover", keyLimit = 100 }, HttpStatusCode.Created);
        var keys = new List<KnownKey>();
        for (var i = 0; i < KeyCount; i++)
        {
            var created = await SendAsync(cluster, HttpMethod.Post, $"/v1/orgs/{org}/keys", new { name = $"k{i:00}", roles = new[] { "viewer" } }, HttpStatusCode.Created);
            var revoke = i % 5 == 0;
            if (revoke)
            {
                await SendAsync(cluster, HttpMethod.Post, $"/v1/orgs/{org}/keys/{created["id"]}/revoke", null, HttpStatusCode.OK);
            }

            keys.Add(new KnownKey(created["key"]!.GetValue<string>(), revoke ? "REVOKED" : "VALID"));
        }

        return (org, keys);
    }

    private async Task<FailoverFigures> FaultUnderLoadAsync(string fault, VerificationLoad load, TimeSpan afterFault, Func<Task> inject)
    {
        var running = load.RunAsync(Loops, PerLoopPerSecond, BeforeFault + afterFault);
        await Task.Delay(BeforeFault);
        var faultAt = Stopwatch.GetTimestamp();
        await inject();
        var figures = FailoverFigures.From(fault, await running, KeyCount, faultAt);
        output.WriteLine(figures.ToString());
        await File.AppendAllTextAsync(FiguresFile, $"{DateTime.UtcNow:HH:mm:ss.fff} (fault at {DateTime.UtcNow - Stopwatch.GetElapsedTime(faultAt):HH:mm:ss.fff}) {figures}\n");
        return figures;
    }

    private static void AssertFailover(FailoverFigures figures)
    {
        Assert.True(figures.Wrong == 0, $"Wrong answers: {figures}");
        Assert.True(figures.Errors.Keys.All(status => status == "503"), $"A failure answered other than 503 with Retry-After: {figures}");
        Assert.True(figures.CorrectShare >= 0.999, $"Fewer than 99.9% answered correctly: {figures}");
        Assert.True(figures.AllKeysAnsweredAgain != TimeSpan.MaxValue, $"A key never answered correctly after the fault: {figures}");
    }

    private static async Task AssertEveryKeyAnswersAsBeforeAsync(VerificationLoad load)
    {
        for (var i = 0; i < KeyCount; i++)
        {
            var sample = await load.VerifyAsync(i);
            Assert.True(sample.Outcome == Outcome.Correct, $"Key {i} answered {sample.What}");
        }
    }

    /// <summary>The org, its keys (without the informational last use) and its audit, as JSON text.</summary>
    private static async Task<string> SnapshotAsync(LocalCluster cluster, string org)
    {
        var orgJson = await SendAsync(cluster, HttpMethod.Get, $"/v1/orgs/{org}", null, HttpStatusCode.OK);
        var keys = await SendAsync(cluster, HttpMethod.Get, $"/v1/orgs/{org}/keys?status=all&limit=1000", null, HttpStatusCode.OK);
        foreach (var key in keys["items"]!.AsArray())
        {
            key!.AsObject().Remove("lastUsedAt");
        }

        var audit = await SendAsync(cluster, HttpMethod.Get, $"/v1/orgs/{org}/audit?limit=200", null, HttpStatusCode.OK);
        Assert.Equal(KeyCount, keys["items"]!.AsArray().Count);
        Assert.Equal(1 + KeyCount + KeyCount / 5, audit["items"]!.AsArray().Count);
        return $"{orgJson.ToJsonString()}\n{keys.ToJsonString()}\n{audit.ToJsonString()}";
    }

    private static async Task<JsonNode> SendAsync(LocalCluster cluster, HttpMethod method, string path, object? body, HttpStatusCode expected)
    {
        using var request = cluster.AsOperator(new HttpRequestMessage(method, path));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await cluster.Http!.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    private static string FiguresFile => Path.Combine(Path.GetTempPath(), "keygrains-failover-figures.txt");
}
