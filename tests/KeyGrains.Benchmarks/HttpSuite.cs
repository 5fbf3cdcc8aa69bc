using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using KeyGrains.Testing;

namespace KeyGrains.Benchmarks;

/// <summary>
/// The HTTP scenarios of docs/benchmarks.md. Every ratio compares two sides measured in the same
/// run, alternating round by round; each figure is the median of the rounds.
/// </summary>
public static class HttpSuite
{
    internal const string Token = "kgop_benchmark-operator-token-00000000000000";

    public static async Task<int> RunAsync(string[] args)
    {
        var o = Options.Parse(args);
        var root = RepoRoot();
        var work = Directory.CreateTempSubdirectory("keygrains-bench-").FullName;
        var webApi = Path.Combine(root, "src/WebApi/bin/Release/net10.0/KeyGrains.WebApi.dll");
        var silo = Path.Combine(root, "src/Silo/KeyGrains.Silo/bin/Release/net10.0/KeyGrains.Silo.dll");
        var self = Path.Combine(AppContext.BaseDirectory, "KeyGrains.Benchmarks.dll");
        var report = new Report(o.Rounds, o.Seconds, o.Connections, o.Threads);
        Console.WriteLine($"Working in {work}; {o.Rounds} rounds of {o.Seconds} s, {o.Threads} threads, {o.Connections} connections.");
        if (o.TopologyOnly)
        {
            // A quick look at one scenario (the TLS cost, say): printed only, docs/benchmarks.* stay as they are.
            await RunTopologyAsync(o, webApi, silo, work, report);
            Console.WriteLine(report.ToMarkdown());
            return 0;
        }

        var docs = Path.Combine(root, "docs");
        var benchmarksMd = Path.Combine(docs, "benchmarks.md");
        if (o.HotPathOnly)
        {
            // The hot path's section alone, put in place of the one docs/benchmarks.md has.
            var only = await HotPathSuite.RunAsync(o, self, webApi, work, o.HotPathKeys);
            var existing = File.Exists(benchmarksMd) ? await File.ReadAllTextAsync(benchmarksMd) : "# Benchmarks\n";
            await File.WriteAllTextAsync(benchmarksMd, HotPathSuite.Splice(existing, only));
            Console.WriteLine(only);
            return 0;
        }

        var hotPath = await HotPathSuite.RunAsync(o, self, webApi, work, o.HotPathKeys);
        var sqliteEnv = Env(("Storage__SqlitePath", Path.Combine(work, "sqlite", "keygrains.db")), ("Benchmarks__BareEndpoint", "true"));
        List<string> keys;
        var hotFile = Path.Combine(work, "hot.txt");
        var manyFile = Path.Combine(work, "many.txt");
        var pgUrl = Url();
        await using (var api = await StartWebApiAsync(webApi, work, sqliteEnv))
        {
            keys = await BenchmarkClient.SeedAsync(api.Url, o.Keys);
            await File.WriteAllLinesAsync(hotFile, keys.Take(1));
            await File.WriteAllLinesAsync(manyFile, keys);
            await BenchmarkClient.EnsureValidAsync(api.Url, keys);

            var sides = await AlternateAsync(o, [
                ("bare", () => Wrk.RunAsync(api.Url, "/v1/bench/bare", manyFile, o.Duration, o.Threads, o.Connections)),
                ("hot", () => Wrk.RunAsync(api.Url, "/v1/keys/verify", hotFile, o.Duration, o.Threads, o.Connections)),
                ("many", () => Wrk.RunAsync(api.Url, "/v1/keys/verify", manyFile, o.Duration, o.Threads, o.Connections)),
            ]);
            report.Add("1. Bare endpoint, same process (baseline)", sides["bare"], null, null);
            report.Add("1. Verify, one hot key", sides["hot"], sides["bare"], "bare endpoint");
            report.Add($"1. Verify, {keys.Count:N0} distinct keys", sides["many"], sides["bare"], "bare endpoint");

            if (o.Postgres is { } pg)
            {
                await PgVerifier.SeedAsync(pg, keys);
                await using var baseline = await ServiceProcess.StartAsync(self, pgUrl, Env(("ConnectionStrings__Postgres", pg)), work, null, "pg-verifier", "--urls", pgUrl);
                await BenchmarkClient.WaitPostAsync(pgUrl + "/v1/keys/verify", keys[0]);
                var pgSides = await AlternateAsync(o, [
                    ("pg", () => Wrk.RunAsync(pgUrl, "/v1/keys/verify", manyFile, o.Duration, o.Threads, o.Connections)),
                    ("many", () => Wrk.RunAsync(api.Url, "/v1/keys/verify", manyFile, o.Duration, o.Threads, o.Connections)),
                ]);
                report.Add("2. PostgreSQL-per-request verifier (baseline)", pgSides["pg"], null, null);
                report.Add($"2. KeyGrains verify, {keys.Count:N0} keys", pgSides["many"], pgSides["pg"], "PostgreSQL verifier");
            }
        }

        await using (var api = await StartWebApiAsync(webApi, work, sqliteEnv))
        {
            var cold = await BenchmarkClient.SequentialAsync(api.Url, keys);
            report.AddLatency($"4. Cold keys after a restart, SQLite ({keys.Count:N0} keys, once each, one connection)", cold);
            report.AddLatency("4. The same keys again, warm (for comparison)", await BenchmarkClient.SequentialAsync(api.Url, keys));
        }

        await RunTopologyAsync(o, webApi, silo, work, report);

        if (o.Postgres is { } pgConnection)
        {
            var pgEnv = Env(("Storage__Provider", "Postgres"), ("ConnectionStrings__Postgres", pgConnection), ("Orleans__ServiceId", "bench-" + Guid.NewGuid().ToString("N")[..8]));
            List<string> pgKeys;
            await using (var api = await StartWebApiAsync(webApi, work, pgEnv))
            {
                pgKeys = await BenchmarkClient.SeedAsync(api.Url, o.Keys);
            }

            await using (var api = await StartWebApiAsync(webApi, work, pgEnv))
            {
                report.AddLatency($"4. Cold keys after a restart, PostgreSQL ({pgKeys.Count:N0} keys, once each)", await BenchmarkClient.SequentialAsync(api.Url, pgKeys));
            }
        }

        foreach (var count in o.ScaleCounts)
        {
            report.AddScale(await RunScaleAsync(self, count));
        }

        Directory.CreateDirectory(docs);
        await File.WriteAllTextAsync(benchmarksMd, HotPathSuite.Splice(report.ToMarkdown(), hotPath));
        await File.WriteAllTextAsync(Path.Combine(docs, "benchmarks.json"), report.ToJson());
        Console.WriteLine(report.ToMarkdown());
        return 0;
    }

    private static async Task RunTopologyAsync(Options o, string webApi, string silo, string work, Report report)
    {
        await using var node = await StartSiloAsync(silo, work, "topology", [], out var ports);
        // The same pair again with mutual TLS from a throwaway CA, as a cluster on PostgreSQL must run.
        var ca = TestCa.Create(Path.Combine(work, "tls"));
        await using var tlsNode = await StartSiloAsync(silo, work, "topology-tls", [.. ca.Issue("silo").Environment().Select(e => (e.Key, e.Value))], out var tlsPorts);
        await Task.Delay(TimeSpan.FromSeconds(3));
        await using var client = await StartWebApiAsync(webApi, work, Env([("Orleans__Mode", "Client"), .. ports]));
        await using var tlsClient = await StartWebApiAsync(webApi, work, Env([("Orleans__Mode", "Client"), .. tlsPorts, .. ca.Issue("webapi").Environment().Select(e => (e.Key, e.Value))]));
        await using var cohosted = await StartWebApiAsync(webApi, work, Env(("Storage__SqlitePath", Path.Combine(work, "topology-cohosted", "keygrains.db"))));
        var hot = new Dictionary<string, (ServiceProcess Api, string Keys)>
        {
            ["cohosted"] = (cohosted, Path.Combine(work, "cohosted-hot.txt")),
            ["client"] = (client, Path.Combine(work, "client-hot.txt")),
            ["client-tls"] = (tlsClient, Path.Combine(work, "client-tls-hot.txt")),
        };
        foreach (var (api, keys) in hot.Values)
        {
            await File.WriteAllLinesAsync(keys, await BenchmarkClient.SeedAsync(api.Url, 100));
        }

        var sides = await AlternateAsync(o, [.. hot.Select(h => (h.Key, (Func<Task<LoadFigures>>)(() =>
            Wrk.RunAsync(h.Value.Api.Url, "/v1/keys/verify", h.Value.Keys, o.Duration, o.Threads, o.Connections))))]);
        report.Add("3. Co-hosted web API and silo (baseline), 100 keys", sides["cohosted"], null, null);
        report.Add("3. Web API as an Orleans client of a separate silo, 100 keys", sides["client"], sides["cohosted"], "co-hosted");
        report.Add("3. The same over mutual TLS between web API and silo, 100 keys", sides["client-tls"], sides["client"], "plain TCP client");
    }

    /// <summary>A headless silo on SQLite under <paramref name="name"/>, with ports of its own handed back as settings.</summary>
    private static Task<ServiceProcess> StartSiloAsync(string silo, string work, string name, (string, string)[] extra, out (string, string)[] ports)
    {
        var (siloPort, gatewayPort) = (NodeProcess.FreePort(), NodeProcess.FreePort());
        ports = [("Orleans__SiloPort", siloPort.ToString(CultureInfo.InvariantCulture)), ("Orleans__GatewayPort", gatewayPort.ToString(CultureInfo.InvariantCulture))];
        return ServiceProcess.StartAsync(silo, "", Env([("Storage__SqlitePath", Path.Combine(work, name, "keygrains.db")), .. ports, .. extra]), work, null);
    }

    private static async Task<ScaleFigures> RunScaleAsync(string self, int count)
    {
        Console.WriteLine($"Scale: {count:N0} active keys...");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true };
        info.ArgumentList.Add(self);
        info.ArgumentList.Add("scale");
        info.ArgumentList.Add(count.ToString(CultureInfo.InvariantCulture));
        info.Environment["DOTNET_gcServer"] = "0";
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var line = output.Split('\n').LastOrDefault(l => l.StartsWith("SCALE ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("The scale run printed no figures:\n" + output);
        return JsonSerializer.Deserialize<ScaleFigures>(line[6..])!;
    }

    /// <summary>
    /// Runs each side once per round after one warm-up each. Every other round runs the previous
    /// round's order backwards, and the order rotates every two rounds: a side is measured as often
    /// just before as just after its neighbour, so a machine that drifts faster or slower during the
    /// run favours neither (A B, B A, B A, A B for two sides). Put the sides a ratio compares next to
    /// each other.
    /// </summary>
    internal static Task<Dictionary<string, List<LoadFigures>>> AlternateAsync(Options o, (string Name, Func<Task<LoadFigures>> Run)[] sides) =>
        AlternateAsync(o.Rounds, sides);

    internal static async Task<Dictionary<string, List<LoadFigures>>> AlternateAsync(int rounds, (string Name, Func<Task<LoadFigures>> Run)[] sides)
    {
        var results = sides.ToDictionary(s => s.Name, _ => new List<LoadFigures>());
        foreach (var side in sides)
        {
            await side.Run();
        }

        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < sides.Length; i++)
            {
                var position = round % 2 == 0 ? i : sides.Length - 1 - i;
                var side = sides[(position + round / 2) % sides.Length];
                var figures = await side.Run();
                results[side.Name].Add(figures);
                Console.WriteLine($"  round {round + 1} {side.Name,-9} {figures.RequestsPerSecond,10:F0} req/s  p50 {figures.P50Ms:F2} ms  p99 {figures.P99Ms:F2} ms  errors {figures.Errors}");
            }
        }

        return results;
    }

    internal static async Task<ServiceProcess> StartWebApiAsync(string dll, string work, Dictionary<string, string> env)
    {
        var url = Url();
        env["Authority__OperatorToken"] = Token;
        env.TryAdd("Orleans__SiloPort", NodeProcess.FreePort().ToString(CultureInfo.InvariantCulture));
        env.TryAdd("Orleans__GatewayPort", NodeProcess.FreePort().ToString(CultureInfo.InvariantCulture));
        return await ServiceProcess.StartAsync(dll, url, env, work, "/health/ready", "--urls", url);
    }

    internal static Dictionary<string, string> Env(params (string Name, string Value)[] pairs) => pairs.ToDictionary(p => p.Name, p => p.Value);

    internal static string Url() => "http://127.0.0.1:" + NodeProcess.FreePort().ToString(CultureInfo.InvariantCulture);

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KeyGrains.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run from inside the repository.");
    }

    internal sealed record Options(int Rounds, int Seconds, int Keys, int Threads, int Connections, string? Postgres, int[] ScaleCounts, bool TopologyOnly, int[] HotPathKeys, bool HotPathOnly, bool HotPathVariants)
    {
        public TimeSpan Duration => TimeSpan.FromSeconds(Seconds);

        public static Options Parse(string[] args)
        {
            string? Get(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
            int Int(string name, int fallback) => Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
            return new Options(
                Int("--rounds", 5), Int("--seconds", 5), Int("--keys", 10_000), Int("--threads", 2), Int("--connections", 32),
                Get("--postgres") ?? Environment.GetEnvironmentVariable("KEYGRAINS_BENCH_POSTGRES"),
                (Get("--scale") ?? "1000,100000,1000000").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(),
                args.Contains("--topology-only"),
                (Get("--hotpath-keys") ?? "1000,100000").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(),
                args.Contains("--hotpath-only"),
                args.Contains("--hotpath-variants"));
        }
    }
}
