using Microsoft.Extensions.DependencyInjection;

namespace KeyGrains.Cluster.Tests;

/// <summary>The real organization grain on three silos and PostgreSQL.</summary>
[Collection(ClusterCollection.Name)]
public sealed class OrganizationClusterTests(ClusterFixture fixture)
{
    [Fact]
    public async Task CreateKey_RacingThroughEverySilo_NeverExceedsKeyLimit()
    {
        const int limit = 5;
        var orgId = "org-" + Guid.NewGuid().ToString("N")[..12];
        await fixture.Cluster.Client.GetGrain<IOrganizationGrain>(orgId).Create(new CreateOrg("Racing", KeyLimit: limit), Caller.Operator());
        var factories = fixture.Cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<IGrainFactory>()).ToArray();

        var attempts = Enumerable.Range(0, 36).Select(async i =>
        {
            var org = factories[i % factories.Length].GetGrain<IOrganizationGrain>(orgId);
            try
            {
                await org.CreateKey(new CreateKey($"key {i}", null, ["viewer"]), Caller.Operator());
                return true;
            }
            catch (DomainException e) when (e.Code == ErrorCode.KeyLimitReached)
            {
                return false;
            }
        });
        var created = (await Task.WhenAll(attempts)).Count(ok => ok);

        Assert.Equal(limit, created);
        // What PostgreSQL holds, not what the activation remembers.
        await fixture.Cluster.DeactivateAsync(fixture.Cluster.Client.GetGrain<IOrganizationGrain>(orgId));
        var reread = await factories[^1].GetGrain<IOrganizationGrain>(orgId).Get();
        Assert.Equal(limit, reread!.ActiveKeyCount);
        var page = await fixture.Cluster.Client.GetGrain<IOrganizationGrain>(orgId).ListKeys(new KeyQuery());
        Assert.Equal(limit, page.Items.Length);
    }
}
