using BenchmarkDotNet.Attributes;
using KeyGrains.Hosting;
using Orleans.TestingHost;

namespace KeyGrains.Benchmarks;

/// <summary>
/// One verification through the key grain (as a client of the cluster calls it) and through the
/// silo's cache of active keys (as the co-hosted web API does), against a grain call that does
/// nothing, measured in the same run.
/// </summary>
[MemoryDiagnoser]
public class GrainVerifyBenchmarks
{
    private InProcessTestCluster _cluster = null!;
    private IApiKeyGrain _grain = null!;
    private VerifyRequest _request = null!;
    private IOrganizationGrain _org = null!;
    private KeyGrains.Keys.ActiveKeys _activeKeys = null!;
    private string _key = null!;
    private string[] _permissions = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddMemoryGrainStorage(GrainStorage.Name));
        builder.ConfigureSiloHost((_, host) => host.Services.AddKeyGrainsDomain(host.Configuration));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        _org = _cluster.Client.GetGrain<IOrganizationGrain>("bench");
        await _org.Create(new CreateOrg("Bench"), Caller.Operator());
        var key = await _org.CreateKey(new CreateKey("bench", null, ["viewer"]), Caller.Operator());
        _grain = _cluster.Client.GetGrain<IApiKeyGrain>(key.Key.Id);
        _request = new VerifyRequest(key.Secret, System.Net.IPAddress.Loopback, ["clusters:read"]);
        _key = key.Secret;
        _permissions = ["clusters:read"];
        _activeKeys = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<KeyGrains.Keys.ActiveKeys>(
            _cluster.GetSiloServiceProvider(_cluster.Silos[0].SiloAddress));
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _cluster.DisposeAsync();

    [Benchmark(Baseline = true)]
    public async Task<OrgInfo?> BaselineGrainCall() => await _org.Get();

    [Benchmark]
    public async Task<VerifyResult> Verify() => await _grain.Verify(_request);

    /// <summary>What the co-hosted web API does: the silo's cache of active keys, no grain call.</summary>
    [Benchmark]
    public VerifyResult CachedVerify()
    {
        ApiKeyFormat.TryReadId(_key, out var id);
        _activeKeys.TryVerify(id, _key, System.Net.IPAddress.Loopback, _permissions, out var result);
        return result;
    }
}
