using KeyGrains.Hosting;
using KeyGrains.Replicas;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;

namespace KeyGrains.Tests.Support;

/// <summary>One in-process silo on memory storage behind <see cref="FaultyStorage"/>, shared by a collection.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private const string InnerStorage = "inner";

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public ManualClock Clock { get; } = new();

    public FaultyStorage Storage { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public static readonly TimeSpan LastUseReportPeriod = TimeSpan.FromMilliseconds(300);

    /// <summary>Leases short enough that a test can wait one out.</summary>
    public static readonly ReplicaOptions Replicas = new() { LeaseDuration = TimeSpan.FromSeconds(2), ConfirmTimeout = TimeSpan.FromMilliseconds(500) };

    /// <summary>A node verifying from copies, as a web API does, on the test client's side of the cluster.</summary>
    public NodeReplicas Node { get; private set; } = null!;

    private ReplicaLeaseKeeper _keeper = null!;
    private KeyGrains.Keys.LastUseReporter _lastUse = null!;

    public async Task InitializeAsync()
    {
        Cluster = await StartClusterAsync();
        Node = new NodeReplicas(Client, new AuthorityClock(Clock), TimeProvider.System, Options.Create(Replicas));
        _keeper = new ReplicaLeaseKeeper(Node, Client, TimeProvider.System, NullLogger<ReplicaLeaseKeeper>.Instance);
        await _keeper.StartAsync(default);
        _lastUse = new KeyGrains.Keys.LastUseReporter(Node, new KeyGrains.Keys.OrganizationLastUse(Client), Options.Create(new AuthorityOptions { LastUseReportPeriod = LastUseReportPeriod }), NullLogger<KeyGrains.Keys.LastUseReporter>.Instance);
        await _lastUse.StartAsync(default);
        while (!Node.Leased)
        {
            await Task.Delay(20);
        }
    }

    private Task<InProcessTestCluster> StartClusterAsync() => TestClusters.StartAsync(
        1,
        storage: silo =>
        {
            silo.AddMemoryGrainStorage(InnerStorage);
            silo.Services.AddKeyedSingleton<IGrainStorage>(GrainStorage.Name, (sp, _) =>
                Storage = new FaultyStorage(sp.GetRequiredKeyedService<IGrainStorage>(InnerStorage)));
            silo.Services.AddSingleton(new AuthorityClock(Clock));
            silo.AddIncomingGrainCallFilter<KeyGrains.Storage.StorageFailureFilter>();
        },
        host: host =>
        {
            host.Services.Configure<AuthorityOptions>(o => o.LastUseReportPeriod = LastUseReportPeriod);
            host.Services.Configure<ReplicaOptions>(o => (o.LeaseDuration, o.ConfirmTimeout) = (Replicas.LeaseDuration, Replicas.ConfirmTimeout));
        });

    public async Task DisposeAsync()
    {
        await _lastUse.StopAsync(default);
        await _keeper.StopAsync(default);
        await Cluster.DisposeAsync();
    }

    public IOrganizationGrain Org(string id) => Client.GetGrain<IOrganizationGrain>(id);

    public IApiKeyGrain Key(string id) => Client.GetGrain<IApiKeyGrain>(id);

    /// <summary>A new organization with a fresh id.</summary>
    public async Task<IOrganizationGrain> NewOrgAsync(Plan plan = Plan.Standard, int? keyLimit = null)
    {
        var org = Org("org-" + Guid.NewGuid().ToString("N")[..12]);
        await org.Create(new CreateOrg("Acme", plan, keyLimit), Caller.Operator("192.0.2.1"));
        return org;
    }

    /// <summary>Verifies a whole presented key as the web API does: checksum first, then its grain.</summary>
    public async Task<VerifyResult> VerifyAsync(string key, string? ip = null, params string[] permissions)
    {
        if (!ApiKeyFormat.TryReadId(key, out var id))
        {
            return VerifyResult.NotFound;
        }

        return await Key(id.ToString()).Verify(new VerifyRequest(key, ip is null ? null : System.Net.IPAddress.Parse(ip), permissions));
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
