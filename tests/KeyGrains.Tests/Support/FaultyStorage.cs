using System.Collections.Concurrent;
using Orleans.Storage;

namespace KeyGrains.Tests.Support;

/// <summary>
/// Grain storage that passes through to another, counts writes, and fails the writes a test asks
/// it to fail: the stand-in for a crash between two writes.
/// </summary>
public sealed class FaultyStorage(IGrainStorage inner) : IGrainStorage
{
    private readonly ConcurrentDictionary<GrainId, int> _writes = new();
    private readonly ConcurrentDictionary<(GrainId, string), int> _writesByState = new();
    private readonly ConcurrentDictionary<GrainId, long> _lastWrites = new();
    private Func<GrainId, bool>? _failWhen;
    private int _failuresLeft;
    private int _skipsLeft;
    private Func<Exception> _failure = () => new InvalidOperationException("Injected storage failure");

    public IGrainStorage Inner => inner;

    /// <summary>After <paramref name="skip"/> more, the next <paramref name="count"/> writes or clears of matching grains throw.</summary>
    public void FailNext(Func<GrainId, bool> when, int count = 1, int skip = 0, Func<Exception>? with = null)
    {
        _failWhen = when;
        _failure = with ?? (() => new InvalidOperationException("Injected storage failure"));
        Volatile.Write(ref _skipsLeft, skip);
        Volatile.Write(ref _failuresLeft, count);
    }

    public void Heal() => Volatile.Write(ref _failuresLeft, 0);

    public int WritesOf(GrainId grainId) => _writes.GetValueOrDefault(grainId);

    /// <summary>Writes and clears of one of the grain's states.</summary>
    public int WritesOf(GrainId grainId, string stateName) => _writesByState.GetValueOrDefault((grainId, stateName));

    /// <summary>When the grain's state was last written or cleared (a <see cref="System.Diagnostics.Stopwatch"/> timestamp), if ever.</summary>
    public long? LastWriteOf(GrainId grainId) => _lastWrites.TryGetValue(grainId, out var at) ? at : null;

    public int TotalWrites => _writes.Values.Sum();

    public IReadOnlyCollection<GrainId> WrittenGrains => _writes.Keys.ToArray();

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ThrowIfFaulted(grainId);
        Count(grainId, stateName);
        return inner.WriteStateAsync(stateName, grainId, grainState);
    }

    /// <summary>As the ADO.NET storage does: a write whose token is cancelled is not made.</summary>
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ThrowIfFaulted(grainId);
        Count(grainId, stateName);
        return inner.ClearStateAsync(stateName, grainId, grainState);
    }

    private void Count(GrainId grainId, string stateName)
    {
        _writesByState.AddOrUpdate((grainId, stateName), 1, static (_, n) => n + 1);
        _writes.AddOrUpdate(grainId, 1, static (_, n) => n + 1);
        _lastWrites[grainId] = System.Diagnostics.Stopwatch.GetTimestamp();
    }

    private void ThrowIfFaulted(GrainId grainId)
    {
        if (_failWhen is not { } when || !when(grainId) || Volatile.Read(ref _failuresLeft) <= 0)
        {
            return;
        }

        if (Interlocked.Decrement(ref _skipsLeft) < 0 && Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            throw _failure();
        }
    }
}

/// <summary>What a database driver throws when its server is gone.</summary>
public sealed class FakeDbException() : System.Data.Common.DbException("connection refused");
