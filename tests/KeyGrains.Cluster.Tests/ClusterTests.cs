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

        // Another test in this collection kills a silo and starts a new one: wait for the table to
        // show as many active silos as are running (bounded), whichever test ran first.
        long active = 0;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            active = await Postgres.CountAsync(
                "SELECT count(*) FROM orleans_membership WHERE deployment_id = @d AND status = 3",
                ("d", fixture.Cluster.Options.ClusterId));
        }
        while (active < fixture.Cluster.Silos.Count && DateTime.UtcNow < deadline && await Pause());

        Assert.True(active >= 3, $"{active} active silos in the membership table");
    }

    [Fact]
    public async Task SiloKilledAbruptly_LosesNoState_AndItsGrainsServeAgain()
    {
        var cluster = fixture.Cluster;
        await cluster.WaitForLivenessToStabilizeAsync();

        // Grains until some live on a secondary silo (a fresh cluster may still place on fewer);
        // the victim is the secondary silo that holds the most of them.
        var grains = new List<IProbeGrain>();
        var hostedBy = new Dictionary<string, int>();
        for (var batch = 0; batch < 10 && hostedBy.Keys.Count(k => k != cluster.Silos[0].SiloAddress.ToString()) == 0; batch++)
        {
            var more = Enumerable.Range(0, 30).Select(i => cluster.Client.GetGrain<IProbeGrain>($"kill-{Guid.NewGuid():N}-{i}")).ToList();
            await Task.WhenAll(more.Select(g => g.Set("before")));
            foreach (var grain in more)
            {
                var silo = await grain.Silo();
                hostedBy[silo] = hostedBy.GetValueOrDefault(silo) + 1;
            }

            grains.AddRange(more);
        }

        var victim = cluster.Silos.Skip(1).MaxBy(s => hostedBy.GetValueOrDefault(s.SiloAddress.ToString()))!;
        var hosted = hostedBy.GetValueOrDefault(victim.SiloAddress.ToString());

        await cluster.KillSiloAsync(victim);

        // Bounded retry: a call to a grain on the dead silo may fail until membership declares it dead.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        foreach (var grain in grains)
        {
            while (true)
            {
                try
                {
                    Assert.Equal("before", (await grain.Get()).Value);
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

    private static async Task<bool> Pause()
    {
        await Task.Delay(250);
        return true;
    }
}
