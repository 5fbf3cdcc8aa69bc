using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using KeyGrains.Hosting;
using KeyGrains.Replicas;
using KeyGrains.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.TestingHost;

namespace KeyGrains.Benchmarks;

/// <summary>
/// The topologies users run, against one co-hosted node, in one run on one PostgreSQL and one set of
/// keys: each node of a three-node co-hosted cluster, and a web API in Client mode in front of two
/// silos. Every process shares the ServiceId (so the grain state, keys included, is the same rows)
/// with a ClusterId of its topology. Sides alternate round by round; figures are medians. Also the
/// memory a node's copy of a key costs, measured in this process.
/// </summary>
public static class ClusterSuite
{
    public static async Task<int> RunAsync(string[] args)
    {
        string? Get(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var (rounds, seconds, keyCount) = (Int("--rounds", 3), Int("--seconds", 5), Int("--keys", 10_000));
        var (threads, connections) = (Int("--threads", 2), Int("--connections", 32));
        var postgres = Get("--postgres") ?? throw new ArgumentException("--postgres is required: the topologies run on PostgreSQL.");
        var root = HttpSuite.RepoRoot();
        var work = Directory.CreateTempSubdirectory("keygrains-cluster-bench-").FullName;
        var webApi = Path.Combine(root, "src/WebApi/bin/Release/net10.0/KeyGrains.WebApi.dll");
        var siloDll = Path.Combine(root, "src/Silo/KeyGrains.Silo/bin/Release/net10.0/KeyGrains.Silo.dll");
        var ca = TestCa.Create(Path.Combine(work, "tls"));
        var serviceId = "bench-" + Guid.NewGuid().ToString("N")[..10];
        Dictionary<string, string> Env(string clusterId, string? certificate, params (string, string)[] extra)
        {
            var env = new Dictionary<string, string>
            {
                ["Storage__Provider"] = "Postgres",
                ["ConnectionStrings__Postgres"] = postgres,
                ["Orleans__ServiceId"] = serviceId,
                ["Orleans__ClusterId"] = clusterId,
                ["Orleans__AdvertisedIPAddress"] = "127.0.0.1",
                ["Authority__OperatorToken"] = HttpSuite.Token,
            };
            foreach (var (key, value) in certificate is null ? [] : ca.Issue(certificate).Environment())
            {
                env[key] = value;
            }

            foreach (var (key, value) in extra)
            {
                env[key] = value;
            }

            return env;
        }

        Console.WriteLine($"Cluster topologies: {keyCount:N0} keys, {rounds} rounds of {seconds} s, {threads} threads, {connections} connections; logs in {work}.");
        await using var single = await HttpSuite.StartWebApiAsync(webApi, work, Env("single", null));
        var keys = await BenchmarkClient.SeedAsync(single.Url, keyCount);
        var keysFile = Path.Combine(work, "keys.txt");
        await File.WriteAllLinesAsync(keysFile, keys);

        var cohosted = new List<ServiceProcess>();
        for (var i = 1; i <= 3; i++)
        {
            cohosted.Add(await HttpSuite.StartWebApiAsync(webApi, work, Env("three", $"node-{i}", ("Clustering__Provider", "Postgres"))));
        }

        var silos = new List<ServiceProcess>();
        for (var i = 1; i <= 2; i++)
        {
            silos.Add(await ServiceProcess.StartAsync(siloDll, "", Env("client", $"silo-{i}",
                ("Clustering__Provider", "Postgres"),
                ("Orleans__SiloPort", NodeProcess.FreePort().ToString(CultureInfo.InvariantCulture)),
                ("Orleans__GatewayPort", NodeProcess.FreePort().ToString(CultureInfo.InvariantCulture))), work, null));
        }

        await using var client = await HttpSuite.StartWebApiAsync(webApi, work, Env("client", "webapi", ("Clustering__Provider", "Postgres"), ("Orleans__Mode", "Client")));
        try
        {
            var sides = new List<(string Name, Func<Task<LoadFigures>> Run)>
            {
                ("single", () => Wrk.RunAsync(single.Url, "/v1/keys/verify", keysFile, TimeSpan.FromSeconds(seconds), threads, connections)),
            };
            for (var i = 0; i < cohosted.Count; i++)
            {
                var node = cohosted[i];
                sides.Add(($"node-{i + 1}", () => Wrk.RunAsync(node.Url, "/v1/keys/verify", keysFile, TimeSpan.FromSeconds(seconds), threads, connections)));
            }

            sides.Add(("client", () => Wrk.RunAsync(client.Url, "/v1/keys/verify", keysFile, TimeSpan.FromSeconds(seconds), threads, connections)));

            // Every node holds a copy of every key before anything is measured: the figures are of
            // the steady state, not of 10,000 first fetches from PostgreSQL.
            foreach (var url in new[] { single.Url, client.Url }.Concat(cohosted.Select(n => n.Url)))
            {
                await BenchmarkClient.WarmAsync(url, keys);
            }

            // How many verifications each side answered without its copy, over the measured rounds.
            var urls = new Dictionary<string, string> { ["single"] = single.Url, ["client"] = client.Url };
            for (var i = 0; i < cohosted.Count; i++)
            {
                urls[$"node-{i + 1}"] = cohosted[i].Url;
            }

            var missesBefore = new Dictionary<string, double>();
            foreach (var (name, url) in urls)
            {
                missesBefore[name] = await BenchmarkClient.CacheMissesAsync(url);
            }

            var figures = await HttpSuite.AlternateAsync(rounds, [.. sides]);
            foreach (var (name, url) in urls)
            {
                Console.WriteLine($"  {name}: {await BenchmarkClient.CacheMissesAsync(url) - missesBefore[name]:F0} verifications answered without a copy during the rounds");
            }

            var perKey = args.Contains("--no-memory") ? double.NaN : await BytesPerCopyAsync(Math.Min(keyCount, 10_000));
            var markdown = Markdown(figures, keyCount, rounds, seconds, threads, connections, perKey);
            await File.WriteAllTextAsync(Path.Combine(root, "docs", "benchmarks-cluster.md"), markdown);
            Console.WriteLine(markdown);
            return 0;
        }
        finally
        {
            foreach (var process in cohosted.Concat(silos))
            {
                await process.DisposeAsync();
            }
        }
    }

    /// <summary>Heap a node holds per key it keeps a copy of: compiled model, record and bookkeeping.</summary>
    private static async Task<double> BytesPerCopyAsync(int count)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddMemoryGrainStorage(GrainStorage.Name));
        builder.ConfigureSiloHost((_, host) => host.Services.AddKeyGrainsDomain(host.Configuration));
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        var ids = new List<(string Id, string Secret)>(count);
        for (var o = 0; o * 1000 < count; o++)
        {
            var org = cluster.Client.GetGrain<IOrganizationGrain>($"mem-{o}");
            await org.Create(new CreateOrg("Memory", KeyLimit: 1000), Caller.Operator());
            for (var k = 0; k < Math.Min(1000, count - (o * 1000)); k++)
            {
                var key = await org.CreateKey(new CreateKey("bench", null, ["viewer"]), Caller.Operator());
                ids.Add((key.Key.Id, key.Secret));
            }
        }

        var node = new NodeReplicas(cluster.Client, new AuthorityClock(TimeProvider.System), TimeProvider.System, Options.Create(new ReplicaOptions()));
        node.Lease(TimeProvider.System.GetTimestamp(), TimeSpan.FromHours(1));
        var before = Settled();
        foreach (var (id, secret) in ids)
        {
            await node.FetchAndVerifyAsync(id, secret, null, null);
        }

        var after = Settled();
        GC.KeepAlive(node);
        return (after - before) / (double)ids.Count;

        static long Settled()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return GC.GetTotalMemory(forceFullCollection: true);
        }
    }

    private static string Markdown(Dictionary<string, List<LoadFigures>> sides, int keys, int rounds, int seconds, int threads, int connections, double bytesPerCopy)
    {
        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }

        var baseRps = Median(sides["single"].Select(f => f.RequestsPerSecond));
        var baseP99 = Median(sides["single"].Select(f => f.P99Ms));
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("# Verification in the topologies users run").AppendLine();
        md.AppendLine(c, $"Generated by `tests/KeyGrains.Benchmarks/run-cluster.sh` on {DateTime.UtcNow:yyyy-MM-dd} ({Environment.ProcessorCount} cores, every process on this one machine).");
        md.AppendLine(c, $"{keys:N0} keys on PostgreSQL, wrk with {threads} threads and {connections} connections over all keys at random, {rounds} alternating rounds of {seconds} s after a warm-up each; medians. Every node answers from its own copies (docs/verification.md).").AppendLine();
        md.AppendLine("| side | requests/s | ratio to one co-hosted node | p50 ms | p99 ms | p99 ratio | errors |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        var labels = new Dictionary<string, string>
        {
            ["single"] = "one co-hosted node (baseline)",
            ["node-1"] = "node 1 of three co-hosted nodes",
            ["node-2"] = "node 2 of three co-hosted nodes",
            ["node-3"] = "node 3 of three co-hosted nodes",
            ["client"] = "web API in Client mode, two silos",
        };
        foreach (var (name, figures) in sides)
        {
            var rps = Median(figures.Select(f => f.RequestsPerSecond));
            var p99 = Median(figures.Select(f => f.P99Ms));
            md.AppendLine(c, $"| {labels[name]} | {rps:N0} | {rps / baseRps:F2}x | {Median(figures.Select(f => f.P50Ms)):F2} | {p99:F2} | {p99 / baseP99:F2}x | {figures.Sum(f => f.Errors)} |");
        }

        md.AppendLine();
        md.AppendLine(c, $"Memory per key a node holds a copy of: {bytesPerCopy / 1024:F2} KB (heap after a full collection, {Math.Min(keys, 10_000):N0} copies, measured in-process).");
        md.AppendLine("Renewal traffic per node: one `Renew` call to the registry per quarter lease (0.4 calls/s at the default 10 s lease), whatever the number of keys; keys themselves are never renewed. Each change costs one `Drop` call per node.");
        return md.ToString();
    }
}
