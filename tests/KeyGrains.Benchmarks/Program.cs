using BenchmarkDotNet.Running;
using KeyGrains.Benchmarks;

// http: the HTTP scenarios, written to docs/benchmarks.md and docs/benchmarks.json
//       (tests/KeyGrains.Benchmarks/run-http.sh installs what they need and runs them);
// pg-verifier, minimal, json-floor, redis-verifier: the baseline servers the HTTP scenarios start;
// seed URL COUNT FILE: COUNT keys created through a running node, written to FILE (for experiments by hand);
// scale: the key-set scale scenario alone; cluster: the cluster topologies (run-cluster.sh); anything else: BenchmarkDotNet micro-benchmarks.
return args.FirstOrDefault() switch
{
    "http" => await HttpSuite.RunAsync(args[1..]),
    "pg-verifier" => await PgVerifier.RunAsync(args[1..]),
    "minimal" => await Baselines.MinimalAsync(args[1..]),
    "json-floor" => await Baselines.JsonFloorAsync(args[1..]),
    "redis-verifier" => await Baselines.RedisVerifierAsync(args[1..]),
    "seed" => await SeedAsync(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture), args[3]),
    "scale" => await ScaleSuite.RunAsync(args[1..]),
    "cluster" => await ClusterSuite.RunAsync(args[1..]),
    "regions" => await RegionsSuite.RunAsync(args[1..]),
    _ => Micro(args),
};

static async Task<int> SeedAsync(string url, int count, string file)
{
    await File.WriteAllLinesAsync(file, await BenchmarkClient.SeedAsync(url, count, 16));
    return 0;
}

static int Micro(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(HotPathBenchmarks).Assembly).Run(args);
    return 0;
}
