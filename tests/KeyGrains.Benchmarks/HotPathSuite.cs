using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace KeyGrains.Benchmarks;

/// <summary>
/// The hot path against the floors it cannot beat and the verifier a team writes instead, each
/// server its own process on the same cores: a minimal Kestrel endpoint, the JSON floor (parse,
/// SHA-256, answer; no lookup), a Redis-per-request verifier, and one co-hosted KeyGrains node
/// (with --hotpath-variants also the same node under other runtime settings, so the defaults are
/// measured, not assumed). Bytes allocated per request come from the node's own
/// <c>dotnet.gc.heap.total_allocated</c> before and after each round.
/// </summary>
internal static partial class HotPathSuite
{
    public const string Begin = "<!-- hot-path: written by HotPathSuite -->";
    public const string End = "<!-- /hot-path -->";

    private static readonly (string Label, string Setting, string Value)[] RuntimeVariants =
    [
        ("workstation GC", "DOTNET_gcServer", "0"),
        ("server GC not concurrent", "DOTNET_gcConcurrent", "0"),
        ("socket completions queued to the thread pool", "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "0"),
        ("thread pool hill climbing", "DOTNET_HillClimbing_Disable", "0"),
    ];

    /// <summary>The service id prefix of the large sets' nodes: each run seeds 100,000 keys under one of its own.</summary>
    private const string ServicePrefix = "hot-";

    /// <summary>
    /// Deletes the grain state earlier runs seeded (each a fresh service id, 100,000 keys and their
    /// organizations, about 60 MB): nothing reads it again, and a developer's database would keep it
    /// forever. Only rows under this suite's prefix, and only before this run starts its own.
    /// </summary>
    private static async Task ForgetEarlierRunsAsync(string connectionString)
    {
        await using var data = Npgsql.NpgsqlDataSource.Create(connectionString);
        await using var delete = data.CreateCommand("DELETE FROM orleans_grain_state WHERE service_id LIKE $1");
        delete.Parameters.AddWithValue(ServicePrefix + "%");
        try
        {
            var rows = await delete.ExecuteNonQueryAsync();
            Console.WriteLine($"hot path: deleted {rows} grain state rows of earlier runs");
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.UndefinedTable)
        {
            // A database no node has used yet: nothing to forget.
        }
    }

    public static async Task<string> RunAsync(HttpSuite.Options o, string self, string webApi, string work, int[] keyCounts)
    {
        var report = new Report(o.Rounds, o.Seconds, o.Connections, o.Threads);
        if (o.Postgres is not null)
        {
            await ForgetEarlierRunsAsync(o.Postgres);
        }

        var redisPort = Testing.NodeProcess.FreePort();
        await using var redis = await RedisServer.StartAsync(redisPort, work);
        var redisEndpoint = "127.0.0.1:" + redisPort.ToString(CultureInfo.InvariantCulture);
        var minimalUrl = HttpSuite.Url();
        var floorUrl = HttpSuite.Url();
        var redisUrl = HttpSuite.Url();
        await using var minimal = await ServiceProcess.StartAsync(self, minimalUrl, new Dictionary<string, string>(), work, "/", "minimal", "--urls", minimalUrl);
        await using var floor = await ServiceProcess.StartAsync(self, floorUrl, new Dictionary<string, string>(), work, null, "json-floor", "--urls", floorUrl);
        await using var verifier = await ServiceProcess.StartAsync(self, redisUrl, new Dictionary<string, string> { ["Redis"] = redisEndpoint }, work, null, "redis-verifier", "--urls", redisUrl);
        var allocations = new StringBuilder();
        foreach (var count in keyCounts)
        {
            var db = Path.Combine(work, "hotpath-" + count.ToString(CultureInfo.InvariantCulture), "keygrains.db");

            // Verification answers from memory whatever the storage; storage only decides how long
            // seeding takes. SQLite commits one write at a time with an fsync each (about 11 ms a key
            // here, 20 minutes for 100,000), so large sets are seeded into PostgreSQL, 16 at a time.
            var large = count > 10_000 && o.Postgres is not null;
            var storage = large
                ? HttpSuite.Env(("Storage__Provider", "Postgres"), ("ConnectionStrings__Postgres", o.Postgres!), ("Orleans__ServiceId", ServicePrefix + Guid.NewGuid().ToString("N")[..8]))
                : HttpSuite.Env(("Storage__SqlitePath", db));

            // Seeding through the node activates every key's grain. Verification does not need them
            // (the node answers from its copies), and they are collected 15 minutes after their last
            // call by default; here after one, so the rounds see the node the way a gateway sees it
            // once the set has been in use a while, not with every grain still active. Organizations
            // keep the default age, as they would on such a node: their grains are told of their keys'
            // use every minute, and a shorter age would reload each one's state every time.
            storage["Orleans__Tuning__KeyCollectionAge"] = "00:01:00";
            await using var api = await HttpSuite.StartWebApiAsync(webApi, work, storage);
            var keys = await BenchmarkClient.SeedAsync(api.Url, count, large ? 16 : 4);
            var keysFile = Path.Combine(work, $"hotpath-{count}.txt");
            await File.WriteAllLinesAsync(keysFile, keys);
            await BenchmarkClient.EnsureValidAsync(api.Url, keys);

            // The node holds a copy of every key before anything is measured: the figures are of the
            // steady state a gateway sees, not of first fetches (the warm-up runs below reach only
            // part of a large set).
            await BenchmarkClient.WarmAsync(api.Url, keys);
            await BenchmarkClient.SettleAsync(api.Url, count, TimeSpan.FromMinutes(10));
            await Baselines.SeedRedisAsync(redisEndpoint, keys);
            await BenchmarkClient.WaitPostAsync(redisUrl + "/v1/keys/verify", keys[0]);
            await BenchmarkClient.WaitPostAsync(floorUrl + "/v1/keys/verify", keys[0]);

            // With --hotpath-variants, the runtime's choices, each a node of its own, only at the
            // smaller set: they do not depend on the key count. Workstation GC, non-concurrent server
            // GC, socket completions queued to the thread pool and the thread pool's hill climbing (both
            // .NET's own defaults, which the web API overrides: SocketCompletions.cs, its project file).
            // Not measured by default: each adds a side to every round, and none depends on the key count.
            var variants = new List<(string Label, string Setting, ServiceProcess Node)>();
            if (o.HotPathVariants && count == keyCounts[0])
            {
                foreach (var (label, setting, value) in RuntimeVariants)
                {
                    var variant = await HttpSuite.StartWebApiAsync(webApi, work, HttpSuite.Env(("Storage__SqlitePath", db + "." + setting), (setting, value)));
                    variants.Add((label, setting, variant));
                    await File.WriteAllLinesAsync(keysFile + "." + setting, await BenchmarkClient.SeedAsync(variant.Url, count));
                }
            }

            try
            {
                var bytes = new Dictionary<string, List<double>> { ["verify"] = [], ["auth"] = [] };
                Func<Task<LoadFigures>> Measured(string side, Func<Task<LoadFigures>> run) => async () =>
                {
                    var before = await AllocatedAsync(api.Url);
                    var figures = await run();
                    var after = await AllocatedAsync(api.Url);
                    bytes[side].Add((after - before) / Math.Max(1.0, figures.RequestsPerSecond * o.Seconds));
                    return figures;
                };

                // Each ratio's two sides are neighbours: auth and minimal, verify and the floor.
                (string, Func<Task<LoadFigures>>)[] sides =
                [
                    ("minimal", () => Wrk.RunAsync(minimalUrl, "/", keysFile, o.Duration, o.Threads, o.Connections, "GET")),
                    ("auth", Measured("auth", () => Wrk.RunAsync(api.Url, "/v1/auth?permission=clusters:read", keysFile, o.Duration, o.Threads, o.Connections, "GET"))),
                    ("verify", Measured("verify", () => Wrk.RunAsync(api.Url, "/v1/keys/verify", keysFile, o.Duration, o.Threads, o.Connections))),
                    ("floor", () => Wrk.RunAsync(floorUrl, "/v1/keys/verify", keysFile, o.Duration, o.Threads, o.Connections)),
                    ("redis", () => Wrk.RunAsync(redisUrl, "/v1/keys/verify", keysFile, o.Duration, o.Threads, o.Connections)),
                    .. variants.Select(v => (v.Setting, (Func<Task<LoadFigures>>)(() =>
                        Wrk.RunAsync(v.Node.Url, "/v1/keys/verify", keysFile + "." + v.Setting, o.Duration, o.Threads, o.Connections)))),
                ];
                var missesBefore = await BenchmarkClient.CacheMissesAsync(api.Url);
                var r = await HttpSuite.AlternateAsync(o, sides);
                var misses = await BenchmarkClient.CacheMissesAsync(api.Url) - missesBefore;
                var n = count.ToString("N0", CultureInfo.InvariantCulture);
                report.Add($"H. Minimal Kestrel endpoint, GET \"ok\" (baseline), {n} keys", r["minimal"], null, null);
                report.Add($"H. JSON floor: parse, SHA-256, answer (baseline), {n} keys", r["floor"], null, null);
                report.Add($"H. Redis-per-request verifier (baseline), {n} keys", r["redis"], null, null);
                report.Add($"H. KeyGrains verify vs the JSON floor, {n} keys", r["verify"], r["floor"], "JSON floor");
                report.Add($"H. KeyGrains verify vs the Redis verifier, {n} keys", r["verify"], r["redis"], "Redis verifier");
                report.Add($"H. KeyGrains verify vs the minimal endpoint, {n} keys", r["verify"], r["minimal"], "minimal endpoint");
                report.Add($"H. KeyGrains GET /v1/auth vs the minimal endpoint, {n} keys", r["auth"], r["minimal"], "minimal endpoint");
                foreach (var (label, setting, _) in variants)
                {
                    report.Add($"H. KeyGrains verify, {label}, {n} keys", r[setting], r["verify"], "defaults");
                }

                allocations.AppendLine(CultureInfo.InvariantCulture,
                    $"| {n} | {Median(bytes["verify"]):F0} | {Median(bytes["auth"]):F0} | {misses:F0} |");
            }
            finally
            {
                foreach (var (_, _, variant) in variants)
                {
                    await variant.DisposeAsync();
                }
            }
        }

        var md = new StringBuilder();
        md.AppendLine(Begin).AppendLine("## The hot path against its floors").AppendLine();
        md.AppendLine("Written by `tests/KeyGrains.Benchmarks/run-http.sh --hotpath-only` (or the full run). Every server is its own");
        md.AppendLine("process on the same 2 cores: the minimal endpoint, the JSON floor and the Redis verifier are modes of the");
        md.AppendLine("benchmark program (`Baselines.cs`); KeyGrains is one co-hosted node, on SQLite (on PostgreSQL above 10,000 keys, which only seeds faster). Targets: verify ≥ 1.0× the JSON");
        md.AppendLine("floor and ≥ 1.6× the Redis verifier with a p99 ≤ 1.5× the minimal endpoint's; `/v1/auth` ≥ 0.8× the minimal endpoint.");
        md.AppendLine("Before the rounds every key is verified once and the node's idle key grains are collected");
        md.AppendLine("(`Orleans:Tuning:KeyCollectionAge` is one minute here; organizations keep the default 15), so the rounds see the steady state: answers from the node's copies.");
        md.AppendLine("Rounds run in ABBA order (every other round backwards), and the sides each ratio compares are neighbours.");
        md.AppendLine();
        var table = report.ToMarkdown();
        md.Append(table[table.IndexOf("| scenario", StringComparison.Ordinal)..table.IndexOf("\n\n| latency", StringComparison.Ordinal)]).AppendLine().AppendLine();
        md.AppendLine("Bytes allocated per request by the KeyGrains node (its `dotnet.gc.heap.total_allocated` before and after");
        md.AppendLine("each round, over the round's requests; the median of the rounds; background work included), and the");
        md.AppendLine("verifications it answered without its copy of the key during the rounds (every key is verified once");
        md.AppendLine("before them; `keygrains_verification_cache_total{result=\"miss\"}` before and after):").AppendLine();
        md.AppendLine("| keys | verify bytes/request | /v1/auth bytes/request | misses during the rounds |").AppendLine("| ---: | ---: | ---: | ---: |");
        md.Append(allocations).AppendLine(End);
        return md.ToString();
    }

    /// <summary>Puts <paramref name="section"/> in place of the one the file has, or at its end.</summary>
    public static string Splice(string document, string section)
    {
        var begin = document.IndexOf(Begin, StringComparison.Ordinal);
        var end = document.IndexOf(End, StringComparison.Ordinal);
        return begin >= 0 && end > begin
            ? document[..begin] + section.TrimEnd('\n') + document[(end + End.Length)..]
            : document.TrimEnd('\n') + "\n\n" + section;
    }

    private static async Task<double> AllocatedAsync(string url)
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(url + "/metrics");
        var m = Allocated().Match(text);
        return m.Success ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }

    [GeneratedRegex(@"^dotnet_gc_heap_total_allocated_bytes(?:_total)?(?:\{[^}]*\})? ([\d.eE+]+)", RegexOptions.Multiline)]
    private static partial Regex Allocated();
}
