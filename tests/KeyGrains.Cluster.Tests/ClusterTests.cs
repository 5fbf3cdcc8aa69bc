using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.MembershipService;

namespace KeyGrains.Cluster.Tests;

[Collection(ClusterCollection.Name)]
public sealed class ClusterTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Cluster_FormsThroughPostgresMembership()
    {
        foreach (var silo in fixture.Cluster.Silos)
        {
            Assert.IsType<AdoNetClusteringTable>(silo.ServiceProvider.GetRequiredService<IMembershipTable>());
        }

        var active = await Postgres.CountAsync(
            "SELECT count(*) FROM orleans_membership WHERE deployment_id = @d AND status = 3",
            ("d", fixture.Cluster.Options.ClusterId));

        Assert.True(active >= 3, $"{active} active silos in the membership table");
    }

    [Fact]
    public async Task SiloKilledAbruptly_LosesNoState_AndItsGrainsServeAgain()
    {
        var cluster = fixture.Cluster;
        var grains = Enumerable.Range(0, 30).Select(i => cluster.Client.GetGrain<IProbeGrain>($"kill-{Guid.NewGuid():N}-{i}")).ToList();
        await Task.WhenAll(grains.Select(g => g.Add("before")));
        var victim = cluster.Silos[^1];
        var hosted = 0;
        foreach (var grain in grains)
        {
            hosted += await grain.Silo() == victim.SiloAddress.ToString() ? 1 : 0;
        }

        await cluster.KillSiloAsync(victim);

        // Bounded retry: a call to a grain on the dead silo may fail until membership declares it dead.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        foreach (var grain in grains)
        {
            while (true)
            {
                try
                {
                    Assert.Equal(["before"], await grain.Items());
                    break;
                }
                catch (Exception e) when (e is not Xunit.Sdk.XunitException && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(200);
                }
            }
        }

        Assert.True(hosted > 0, "no grain was on the killed silo");
        await cluster.StartAdditionalSiloAsync();
    }
}
