using System.Collections.Concurrent;
using KeyGrains.WebApi.Security;
using Microsoft.Extensions.Options;

namespace KeyGrains.WebApi.Auth;

/// <summary>
/// Refused admin calls, counted in memory per organization and source and handed to the
/// organizations' audit logs once a period (<see cref="RefusalLogFlusher"/>): a refusal costs no
/// grain call and no storage write of its own, and a storm of them adds one event per source.
/// </summary>
public sealed class RefusalLog(IOptions<SecurityOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<(string OrgId, string? Source), Tally> _tallies = new();
    private readonly int _maxEntries = options.Value.RefusalAudit.MaxEntries;
    private long _dropped;

    /// <summary>Refusals not recorded because the log was full, since the last <see cref="TakeAll"/>.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Add(string orgId, string actor, string? source, string target, string reason)
    {
        var now = time.GetUtcNow();
        while (true)
        {
            if (!_tallies.TryGetValue((orgId, source), out var tally))
            {
                if (_tallies.Count >= _maxEntries)
                {
                    Interlocked.Increment(ref _dropped);
                    return;
                }

                var cut = target.Length <= RefusalSummary.MaxTargetLength ? target : target[..RefusalSummary.MaxTargetLength];
                tally = _tallies.GetOrAdd((orgId, source), static (_, t) => new Tally(t.actor, t.cut, t.reason, t.now), (actor, cut, reason, now));
            }

            // A tally taken by TakeAll between the lookup and here is sealed: count in a fresh one.
            if (tally.TryCount(now))
            {
                return;
            }
        }
    }

    /// <summary>Everything counted so far, by organization; counting starts afresh.</summary>
    public Dictionary<string, List<RefusalSummary>> TakeAll()
    {
        var byOrg = new Dictionary<string, List<RefusalSummary>>(StringComparer.Ordinal);
        foreach (var ((orgId, source), tally) in _tallies)
        {
            if (!_tallies.TryRemove(new KeyValuePair<(string, string?), Tally>((orgId, source), tally)))
            {
                continue;
            }

            if (!byOrg.TryGetValue(orgId, out var list))
            {
                byOrg[orgId] = list = [];
            }

            list.Add(tally.Summarize(source));
        }

        Interlocked.Exchange(ref _dropped, 0);
        return byOrg;
    }

    /// <summary>
    /// One pair's count. <see cref="Summarize"/> seals it, so a refusal that raced the flush is
    /// never added to a count already handed over: it fails <see cref="TryCount"/> and starts anew.
    /// </summary>
    private sealed class Tally(string actor, string target, string reason, DateTimeOffset first)
    {
        private const int Sealed = -1;
        private int _count;
        private long _lastTicks = first.UtcTicks;

        public bool TryCount(DateTimeOffset now)
        {
            var seen = Volatile.Read(ref _lastTicks);
            while (seen < now.UtcTicks)
            {
                var was = Interlocked.CompareExchange(ref _lastTicks, now.UtcTicks, seen);
                if (was == seen)
                {
                    break;
                }

                seen = was;
            }

            var count = Volatile.Read(ref _count);
            while (count != Sealed)
            {
                var was = Interlocked.CompareExchange(ref _count, count + 1, count);
                if (was == count)
                {
                    return true;
                }

                count = was;
            }

            return false;
        }

        public RefusalSummary Summarize(string? source) => new(
            actor, source, target, reason, Interlocked.Exchange(ref _count, Sealed), first,
            new DateTimeOffset(Interlocked.Read(ref _lastTicks), TimeSpan.Zero));
    }
}
