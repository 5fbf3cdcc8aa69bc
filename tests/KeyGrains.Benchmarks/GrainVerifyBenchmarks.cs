using BenchmarkDotNet.Attributes;
using KeyGrains.Hosting;
using Orleans.TestingHost;

namespace KeyGrains.Benchmarks;

/// <summary>
/// One verification through the key grain, as the co-hosted web API calls it, against a baseline
/// grain call that does nothing, measured in the same run.
/// </summary>
[MemoryDiagnoser]
public class GrainVerifyBenchmarks
{
    private InProcessTestCluster _cluster = null!;
    private IApiKeyGrain _grain = null!;
    private VerifyRequest _request = null!;
    private IOrganizationGrain _org = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddMemoryGrainStorage(KeyGrainsSiloExtensions.StorageName));
        builder.ConfigureSiloHost((_, host) => host.Services.AddKeyGrainsDomain(host.Configuration));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        _org = _cluster.Client.GetGrain<IOrganizationGrain>("bench");
        await _org.Create(new CreateOrg("Bench"), Caller.Operator());
        var key = await _org.CreateKey(new CreateKey("bench", null, ["viewer"]), Caller.Operator());
        _grain = _cluster.Client.GetGrain<IApiKeyGrain>(key.Key.Id);
        _request = new VerifyRequest(key.Secret, System.Net.IPAddress.Loopback, ["clusters:read"]);
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _cluster.DisposeAsync();

    [Benchmark(Baseline = true)]
    public async Task<OrgInfo?> BaselineGrainCall() => await _org.Get();

    [Benchmark]
    public async Task<VerifyResult> Verify() => await _grain.Verify(_request);
}
