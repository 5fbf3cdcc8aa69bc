using BenchmarkDotNet.Running;
using KeyGrains.Benchmarks;

// http: the HTTP scenarios, written to docs/benchmarks.md and docs/benchmarks.json
//       (tests/KeyGrains.Benchmarks/run-http.sh installs what they need and runs them);
// pg-verifier: the PostgreSQL-per-request baseline server the HTTP scenarios start;
// scale: the key-set scale scenario alone; anything else: BenchmarkDotNet micro-benchmarks.
return args.FirstOrDefault() switch
{
    "http" => await HttpSuite.RunAsync(args[1..]),
    "pg-verifier" => await PgVerifier.RunAsync(args[1..]),
    "scale" => await ScaleSuite.RunAsync(args[1..]),
    "regions" => await RegionsSuite.RunAsync(args[1..]),
    _ => Micro(args),
};

static int Micro(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(HotPathBenchmarks).Assembly).Run(args);
    return 0;
}
