using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace KeyGrains.Security.Tests;

/// <summary>
/// Refused admin calls cost no grain call and no storage write of their own: a storm of them
/// against one organization adds a bounded number of audit events and does not slow its admins.
/// </summary>
public sealed class RefusalStormTests : IAsyncLifetime
{
    private ApiHost _host = null!;

    public async Task InitializeAsync() => _host = await ApiHost.StartAsync(new Dictionary<string, string?>
    {
        ["Security:RefusalAudit:Period"] = "00:00:01",
        ["Security:Throttling:Enabled"] = "false",
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task TenThousandCrossTenantRefusals_AddOneEventPerSourceAndPeriod_AndTheVictimsAdminsStayFast()
    {
        var victim = await _host.NewOrg();
        var attacker = await _host.NewOrg();
        using var victimAdmin = await _host.AdminClient(victim);
        using var attackerAdmin = await _host.AdminClient(attacker);
        var before = await AuditCount(victimAdmin, victim);
        var longPath = $"/v1/orgs/{victim}/keys/" + new string('a', 7_000);

        var baseline = await TimeAsync(() => victimAdmin.Get($"/v1/orgs/{victim}/keys"), 20);
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async worker =>
        {
            for (var i = worker; i < 10_000; i += 8)
            {
                var answer = await attackerAdmin.Get(i % 2 == 0 ? longPath : $"/v1/orgs/{victim}/keys");
                Assert.Equal(HttpStatusCode.NotFound, answer.Status);
            }
        }));
        var during = await TimeAsync(() => victimAdmin.Get($"/v1/orgs/{victim}/keys"), 20);
        var periods = (int)Math.Ceiling(stopwatch.Elapsed.TotalSeconds) + 2;

        var events = await WaitForRefusals(victimAdmin, victim, before, expectedCount: 10_000);
        Assert.InRange(events.Count, 1, periods);
        Assert.Equal(10_000, events.Sum(e => int.Parse(e.GetProperty("details").GetProperty("count").GetString()!, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(events, e => Assert.True(e.GetProperty("target").GetString()!.Length <= 256));

        // Refusals are answered without touching the victim's grain, so its admins see no change
        // beyond the machine's own noise (the storm shares its two cores).
        Assert.True(during < baseline * 5 + TimeSpan.FromMilliseconds(50), $"median {during} during the storm, {baseline} before");
    }

    [Fact]
    public async Task ARefusal_CostsTheSameWhetherTheNamedOrganizationExistsOrNot()
    {
        var existing = await _host.NewOrg();
        var missing = Scenario.NewOrgId();
        var other = await _host.NewOrg();
        using var stranger = await _host.AdminClient(other);
        var existingTimes = new List<double>();
        var missingTimes = new List<double>();
        for (var i = 0; i < 300; i++)
        {
            existingTimes.Add(await Time(() => stranger.Get($"/v1/orgs/{existing}/keys")));
            missingTimes.Add(await Time(() => stranger.Get($"/v1/orgs/{missing}/keys")));
        }

        var ratio = Median(existingTimes) / Median(missingTimes);
        Assert.InRange(ratio, 0.6, 1.6);
    }

    private static async Task<double> Time(Func<Task<Answer>> call)
    {
        var started = Stopwatch.GetTimestamp();
        Assert.Equal(HttpStatusCode.NotFound, (await call()).Status);
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static async Task<TimeSpan> TimeAsync(Func<Task<Answer>> call, int count)
    {
        var times = new List<double>();
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            (await call()).Ok();
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return TimeSpan.FromMilliseconds(Median(times));
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static async Task<int> AuditCount(HttpClient admin, string org) =>
        (await admin.Get($"/v1/orgs/{org}/audit?limit=200")).Ok().Body.GetProperty("items").GetArrayLength();

    private static async Task<List<JsonElement>> WaitForRefusals(HttpClient admin, string org, int before, int expectedCount)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var items = (await admin.Get($"/v1/orgs/{org}/audit?limit=200")).Ok().Body.GetProperty("items").EnumerateArray()
                .Where(e => e.GetProperty("action").GetString() == "auth.refused").Select(e => e.Clone()).ToList();
            var counted = items.Sum(e => int.Parse(e.GetProperty("details").GetProperty("count").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
            if (counted >= expectedCount || DateTime.UtcNow > deadline)
            {
                Assert.True(items.Count + before <= 200, "the audit page holds every event of this test");
                return items;
            }

            await Task.Delay(250);
        }
    }
}
