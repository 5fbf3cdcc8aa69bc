using KeyGrains.WebApi.Auth;
using KeyGrains.WebApi.Security;
using Microsoft.Extensions.Options;

namespace KeyGrains.WebApi.Tests;

/// <summary>The in-memory refusal counts lose nothing to a flush that runs while refusals arrive.</summary>
public sealed class RefusalLogTests
{
    [Fact]
    public async Task RefusalsCountedWhileTheLogIsTakenRepeatedly_AllReachSomeSummary()
    {
        var log = new RefusalLog(Options.Create(new SecurityOptions()), TimeProvider.System);
        const int Workers = 4;
        const int PerWorker = 200_000;
        var taken = 0L;
        using var done = new CancellationTokenSource();

        var flusher = Task.Run(() =>
        {
            while (!done.IsCancellationRequested)
            {
                taken += Sum(log.TakeAll());
            }
        });
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < PerWorker; i++)
            {
                log.Add("org-a", "admin", i % 2 == 0 ? "10.0.0.1" : null, "/v1/orgs/org-a/keys", "forbidden");
            }
        })));
        done.Cancel();
        await flusher;
        taken += Sum(log.TakeAll());

        Assert.Equal(Workers * PerWorker, taken);
    }

    [Fact]
    public void ATally_KeepsItsFirstAndLastTimes_AndCutsALongTarget()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        var log = new RefusalLog(Options.Create(new SecurityOptions()), clock);

        log.Add("org-a", "admin", "10.0.0.1", new string('x', 5_000), "forbidden");
        clock.Now += TimeSpan.FromSeconds(3);
        log.Add("org-a", "admin", "10.0.0.1", "/other", "forbidden");

        var summary = Assert.Single(Assert.Single(log.TakeAll()).Value);
        Assert.Equal(2, summary.Count);
        Assert.Equal(RefusalSummary.MaxTargetLength, summary.Target.Length);
        Assert.Equal(TimeSpan.FromSeconds(3), summary.LastAt - summary.FirstAt);
        Assert.Empty(log.TakeAll());
    }

    private static long Sum(Dictionary<string, List<RefusalSummary>> byOrg) =>
        byOrg.Values.SelectMany(list => list).Sum(s => (long)s.Count);

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
