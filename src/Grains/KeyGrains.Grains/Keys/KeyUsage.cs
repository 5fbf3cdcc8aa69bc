namespace KeyGrains.Keys;

/// <summary>
/// When a key last verified successfully, and whether its organization has been told. A mutable
/// struct kept as a field of its owner (a node's replica, the key grain) and used only through it,
/// so recording a use writes the owner's own memory rather than one more object per key.
/// </summary>
internal struct KeyUsage
{
    private long _lastTicks;
    private long _reportedTicks;

    /// <summary>A successful use at <paramref name="ticks"/> (UTC).</summary>
    public void Record(long ticks)
    {
        // Many threads may record at once; the latest time wins and nothing is lost but ties.
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
        // Read before exchanging: a key not used since the last report is not written to.
        var last = Volatile.Read(ref _lastTicks);
        if (last == 0 || last == Volatile.Read(ref _reportedTicks) || last == Interlocked.Exchange(ref _reportedTicks, last))
        {
            at = default;
            return false;
        }

        at = new DateTimeOffset(last, TimeSpan.Zero);
        return true;
    }
}
