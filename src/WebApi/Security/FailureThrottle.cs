using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace KeyGrains.WebApi.Security;

/// <summary>
/// Failures per source in a fixed window per source: lock-free, O(1) per request, bounded in size.
/// It never refuses anything by itself: a caller asks <see cref="IsExhausted"/> only once it knows
/// the request failed, so a success is never turned into a 429 whatever its source did before.
/// </summary>
public sealed class FailureThrottle
{
    private readonly ConcurrentDictionary<UInt128, Window> _windows = new();
    private readonly IPNetwork[] _exempt;
    private readonly TimeProvider _time;
    private readonly bool _enabled;
    private readonly int _limit;
    private readonly long _windowTicks;
    private readonly int _maxSources;
    private int _sweeping;

    public FailureThrottle(IOptions<SecurityOptions> options, TimeProvider time)
    {
        var throttling = options.Value.Throttling;
        _exempt = SecurityOptions.Networks(throttling.ExemptNetworks);
        _enabled = throttling.Enabled;
        _limit = throttling.FailureLimit;
        _windowTicks = TimeSpan.FromSeconds(throttling.WindowSeconds).Ticks;
        _maxSources = throttling.MaxSources;
        _time = time;
    }

    /// <summary>Sources currently tracked (for tests and metrics).</summary>
    public int TrackedSources => _windows.Count;

    /// <summary>
    /// True when <paramref name="source"/> has used its failure budget in the current window; then
    /// <paramref name="retryAfter"/> says when the window ends. A null source is never throttled.
    /// </summary>
    public bool IsExhausted(IPAddress? source, out TimeSpan retryAfter)
    {
        retryAfter = default;
        if (!TryKey(source, out var key) || !_windows.TryGetValue(key, out var window))
        {
            return false;
        }

        var now = _time.GetUtcNow().UtcTicks;
        var start = Volatile.Read(ref window.Start);
        if (now - start >= _windowTicks || Volatile.Read(ref window.Count) < _limit)
        {
            return false;
        }

        retryAfter = TimeSpan.FromTicks(start + _windowTicks - now);
        return true;
    }

    /// <summary>Counts one failure against <paramref name="source"/>.</summary>
    public void RecordFailure(IPAddress? source)
    {
        if (!TryKey(source, out var key))
        {
            return;
        }

        var now = _time.GetUtcNow().UtcTicks;
        if (!_windows.TryGetValue(key, out var window))
        {
            if (_windows.Count >= _maxSources && !Sweep(now))
            {
                // Full of live windows: a new source goes uncounted rather than evicting one that
                // is being throttled now. Only a spread of over MaxSources addresses gets here.
                return;
            }

            window = _windows.GetOrAdd(key, static (_, start) => new Window(start), now);
        }

        var started = Volatile.Read(ref window.Start);
        if (now - started >= _windowTicks && Interlocked.CompareExchange(ref window.Start, now, started) == started)
        {
            // A new window: the failure that opened it is its first.
            Volatile.Write(ref window.Count, 1);
            return;
        }

        Interlocked.Increment(ref window.Count);
    }

    /// <summary>Drops ended windows; one thread at a time, the others carry on. True when room was made.</summary>
    private bool Sweep(long now)
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return false;
        }

        try
        {
            foreach (var (key, window) in _windows)
            {
                if (now - Volatile.Read(ref window.Start) >= _windowTicks)
                {
                    _windows.TryRemove(new KeyValuePair<UInt128, Window>(key, window));
                }
            }

            return _windows.Count < _maxSources;
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    /// <summary>
    /// The budget a source draws on: an IPv4 address, or an IPv6 address's /64, because one host
    /// usually holds a whole /64 and could rotate through it. Exempt networks have none.
    /// </summary>
    private bool TryKey(IPAddress? source, out UInt128 key)
    {
        key = default;
        if (!_enabled || source is null)
        {
            return false;
        }

        source = KeyGrains.Validation.Normalize(source);
        foreach (var network in _exempt)
        {
            if (network.Contains(source))
            {
                return false;
            }
        }

        Span<byte> bytes = stackalloc byte[16];
        if (source.AddressFamily == AddressFamily.InterNetwork)
        {
            source.TryWriteBytes(bytes[12..], out _);
            bytes[10] = 0xff;
            bytes[11] = 0xff;
        }
        else
        {
            source.TryWriteBytes(bytes, out _);
            bytes[8..].Clear();
        }

        key = System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
        return true;
    }

    private sealed class Window(long start)
    {
        public long Start = start;
        public int Count;
    }
}
