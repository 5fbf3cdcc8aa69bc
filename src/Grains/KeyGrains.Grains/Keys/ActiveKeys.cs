using System.Collections.Concurrent;
using System.Net;

namespace KeyGrains.Keys;

/// <summary>
/// This silo's active key grains, each with its compiled model: a read-through cache for callers in
/// the same process (the co-hosted web API), kept exact by the grains themselves. A key grain
/// replaces its entry before any change returns and withdraws it when it deactivates, so a
/// revocation is seen by the very next verification here too. A miss means "ask the grain".
/// </summary>
public sealed class ActiveKeys(AuthorityClock clock) : INodeKeyCache
{
    private readonly ConcurrentDictionary<string, PublishedKey> _entries = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    /// <summary>Answers from the cached model when this silo holds the key's activation.</summary>
    public bool TryVerify(ReadOnlySpan<char> keyId, string key, IPAddress? ip, string[]? permissions, out VerifyResult result)
    {
        if (!_entries.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(keyId, out var entry))
        {
            result = VerifyResult.NotFound;
            return false;
        }

        result = entry.Verify(key, ip, permissions, clock.Now);
        return true;
    }

    internal void Publish(string keyId, PublishedKey entry) => _entries[keyId] = entry;

    /// <summary>Removes the entry if it is still the one given (a newer activation's is left alone).</summary>
    internal void Withdraw(string keyId, PublishedKey entry) =>
        _entries.TryRemove(new KeyValuePair<string, PublishedKey>(keyId, entry));

    internal IEnumerable<KeyValuePair<string, PublishedKey>> Entries => _entries;
}

/// <summary>When a key last verified successfully, and whether its organization has been told.</summary>
internal sealed class KeyUsage
{
    private long _lastTicks;
    private long _reportedTicks;

    public void Record(DateTimeOffset now)
    {
        // Many threads may record at once; the latest time wins and nothing is lost but ties.
        var ticks = now.UtcTicks;
        var seen = Volatile.Read(ref _lastTicks);
        while (ticks > seen)
        {
            var previous = Interlocked.CompareExchange(ref _lastTicks, ticks, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }

    /// <summary>The last use not yet reported, if any; it counts as reported from here on.</summary>
    public bool TryTakeUnreported(out DateTimeOffset at)
    {
        var last = Volatile.Read(ref _lastTicks);
        if (last == 0 || last == Interlocked.Exchange(ref _reportedTicks, last))
        {
            at = default;
            return false;
        }

        at = new DateTimeOffset(last, TimeSpan.Zero);
        return true;
    }
}
