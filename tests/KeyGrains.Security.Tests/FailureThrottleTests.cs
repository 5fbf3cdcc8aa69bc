using System.Net;
using KeyGrains.WebApi.Security;
using Microsoft.Extensions.Options;

namespace KeyGrains.Security.Tests;

/// <summary>The failure budget on its own, with a clock the test moves.</summary>
public sealed class FailureThrottleTests
{
    private readonly ManualTime _time = new();

    private FailureThrottle Throttle(int limit = 3, int windowSeconds = 60, int maxSources = 1000, params string[] exempt) => new(
        Options.Create(new SecurityOptions
        {
            Throttling = new ThrottlingOptions { FailureLimit = limit, WindowSeconds = windowSeconds, MaxSources = maxSources, ExemptNetworks = exempt },
        }),
        _time);

    [Fact]
    public void ASourcePastItsBudget_IsExhausted_UntilItsWindowEnds_ThenItsBudgetIsRestored()
    {
        var throttle = Throttle();
        var source = IPAddress.Parse("203.0.113.66");
        for (var i = 0; i < 3; i++)
        {
            Assert.False(throttle.IsExhausted(source, out _));
            throttle.RecordFailure(source);
        }

        Assert.True(throttle.IsExhausted(source, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(60), retryAfter);
        Assert.False(throttle.IsExhausted(IPAddress.Parse("198.51.100.7"), out _));

        _time.Advance(TimeSpan.FromSeconds(45));
        Assert.True(throttle.IsExhausted(source, out retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(15), retryAfter);

        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.False(throttle.IsExhausted(source, out _));
        throttle.RecordFailure(source);
        Assert.False(throttle.IsExhausted(source, out _));
    }

    [Fact]
    public void AnIPv4MappedAddress_DrawsOnTheSameBudgetAsItsIPv4Form_AndNoSourceIsNeverThrottled()
    {
        var throttle = Throttle(limit: 2);
        throttle.RecordFailure(IPAddress.Parse("::ffff:203.0.113.9"));
        throttle.RecordFailure(IPAddress.Parse("203.0.113.9"));
        Assert.True(throttle.IsExhausted(IPAddress.Parse("203.0.113.9"), out _));

        throttle.RecordFailure(null);
        Assert.False(throttle.IsExhausted(null, out _));
    }

    [Fact]
    public void ExemptNetworks_AreNotCounted()
    {
        var throttle = Throttle(1, 60, 1000, "192.0.2.0/24");
        throttle.RecordFailure(IPAddress.Parse("192.0.2.10"));
        throttle.RecordFailure(IPAddress.Parse("192.0.2.10"));
        Assert.False(throttle.IsExhausted(IPAddress.Parse("192.0.2.10"), out _));
        Assert.Equal(0, throttle.TrackedSources);
    }

    [Fact]
    public void ItsSize_IsBounded_AndEndedWindowsMakeRoom()
    {
        var throttle = Throttle(limit: 1, maxSources: 100);
        for (var i = 0; i < 1_000; i++)
        {
            throttle.RecordFailure(new IPAddress([10, 0, (byte)(i / 250), (byte)(i % 250)]));
        }

        Assert.Equal(100, throttle.TrackedSources);
        Assert.True(throttle.IsExhausted(new IPAddress([10, 0, 0, 5]), out _));

        _time.Advance(TimeSpan.FromMinutes(2));
        var late = IPAddress.Parse("198.51.100.200");
        throttle.RecordFailure(late);
        Assert.True(throttle.IsExhausted(late, out _));
        Assert.Equal(1, throttle.TrackedSources);
    }

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
