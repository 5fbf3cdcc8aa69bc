using KeyGrains.Hosting;
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

    /// <summary>The silo's cache of its active keys, as a co-hosted web API sees it.</summary>
    public KeyGrains.Keys.ActiveKeys ActiveKeys =>
        Cluster.GetSiloServiceProvider(Cluster.Silos[0].SiloAddress).GetRequiredService<KeyGrains.Keys.ActiveKeys>();

    public async Task InitializeAsync() => Cluster = await TestClusters.StartAsync(
        1,
        storage: silo =>
        {
            silo.AddMemoryGrainStorage(InnerStorage);
            silo.Services.AddKeyedSingleton<IGrainStorage>(GrainStorage.Name, (sp, _) =>
                Storage = new FaultyStorage(sp.GetRequiredKeyedService<IGrainStorage>(InnerStorage)));
            silo.Services.AddSingleton(new AuthorityClock(Clock));
            silo.AddIncomingGrainCallFilter<KeyGrains.Storage.StorageFailureFilter>();
        },
        host: host => host.Services.Configure<AuthorityOptions>(o => o.LastUseReportPeriod = LastUseReportPeriod));

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

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
