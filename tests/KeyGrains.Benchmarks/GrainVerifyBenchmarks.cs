using BenchmarkDotNet.Attributes;
using KeyGrains.Hosting;
using Orleans.TestingHost;

namespace KeyGrains.Benchmarks;

/// <summary>
/// One verification through the key grain (as a client of the cluster calls it) and through a
/// node's copy of the key (as a web API does), against a grain call that does nothing, measured in
/// the same run.
/// </summary>
[MemoryDiagnoser]
public class GrainVerifyBenchmarks
{
    private InProcessTestCluster _cluster = null!;
    private IApiKeyGrain _grain = null!;
    private VerifyRequest _request = null!;
    private IOrganizationGrain _org = null!;
    private KeyGrains.Replicas.NodeReplicas _node = null!;
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
        _node = new KeyGrains.Replicas.NodeReplicas(
            _cluster.Client, new AuthorityClock(TimeProvider.System), TimeProvider.System, Microsoft.Extensions.Options.Options.Create(new KeyGrains.Replicas.ReplicaOptions()));
        // A lease long enough for the run, as if the node's keeper had renewed it.
        _node.Lease(TimeProvider.System.GetTimestamp(), TimeSpan.FromHours(1));
        await _node.FetchAndVerifyAsync(key.Key.Id, _key, System.Net.IPAddress.Loopback, _permissions);
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _cluster.DisposeAsync();

    [Benchmark(Baseline = true)]
    public async Task<OrgInfo?> BaselineGrainCall() => await _org.Get();

    [Benchmark]
    public async Task<VerifyResult> Verify() => await _grain.Verify(_request);

    /// <summary>What a web API does: the node's copy of the key, no grain call.</summary>
    [Benchmark]
    public VerifyResult CachedVerify()
    {
        ApiKeyFormat.TryReadId(_key, out var id);
        _node.TryVerify(id, _key, System.Net.IPAddress.Loopback, _permissions, out var result);
        return result;
    }
}
