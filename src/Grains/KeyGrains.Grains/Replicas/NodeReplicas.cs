using System.Collections.Concurrent;
using System.Net;
using KeyGrains.Keys;
using Microsoft.Extensions.Options;

namespace KeyGrains.Replicas;

/// <summary>
/// This node's copies of the keys it verifies, answered from memory while the node's lease runs.
/// Every change to a key reaches this node (<see cref="Drop"/>) before it is acknowledged, or waits
/// until this node's lease has ended; a copy carries its key's version, and no copy older than a
/// version this node has heard of is taken, whichever activation offers it. Copies hold no secret,
/// only the hash the record holds. At most <see cref="ReplicaOptions.MaxKeys"/> keys are held; a full
/// node answers a new key from a copy it does not keep, and its next sweep makes room by dropping the
/// keys unused longest (see <see cref="Sweep"/>).
/// </summary>
public sealed class NodeReplicas(IGrainFactory grains, AuthorityClock clock, TimeProvider time, IOptions<ReplicaOptions> options)
    : IReplicaNode
{
    /// <summary>Sweep periods counted at most: a key unused for this many is as old as any.</summary>
    private const int OldestAge = 63;

    private readonly ConcurrentDictionary<string, Replica> _replicas = new(StringComparer.Ordinal);

    /// <summary>One instance of each organization's id for all its copies' answers (see <see cref="SharedOrgId"/>).</summary>
    private readonly ConcurrentDictionary<string, string> _orgIds = new(StringComparer.Ordinal);
    private readonly int _maxKeys = options.Value.MaxKeys;
    private long _leaseEnd;

    /// <summary>The sweep period now running: each sweep ends one, and each key notes the last one it was verified in.</summary>
    private int _period;

    /// <summary>Keys answered from a copy not kept, for lack of room, since the last sweep.</summary>
    private int _turnedAway;

    /// <summary>Keys held (with a copy or only a version).</summary>
    public int Count => _replicas.Count;

    /// <summary>Whether this node may answer from its copies now.</summary>
    public bool Leased => time.GetTimestamp() < Volatile.Read(ref _leaseEnd);

    public bool TryVerify(ReadOnlySpan<char> keyId, string key, IPAddress? ip, string[]? permissions, out VerifyResult result)
    {
        if (time.GetTimestamp() < Volatile.Read(ref _leaseEnd)
            && _replicas.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(keyId, out var replica)
            && replica.Copy is { } copy)
        {
            result = replica.Verify(copy, key, ip, permissions, clock.Now, _period);
            return true;
        }

        result = VerifyResult.NotFound;
        return false;
    }

    /// <summary>
    /// Asks the key's grain for a copy no older than any version this node knows, keeps it while the
    /// lease runs, and answers from it. A copy older than a known version (a stale activation) is
    /// refused with <see cref="StaleCopyException"/>, which the caller retries.
    /// </summary>
    public async ValueTask<VerifyResult> FetchAndVerifyAsync(string keyId, string key, IPAddress? ip, string[]? permissions)
    {
        var replica = _replicas.GetValueOrDefault(keyId) ?? Track(keyId);
        var leasedBefore = Leased;
        var copy = await grains.GetGrain<IKeyCopySource>(keyId).GetCopy(replica.Version);
        var published = replica.Take(copy, keep: leasedBefore, copy.Record is { } record ? SharedOrgId(record.OrgId) : null);
        return published is null ? VerifyResult.NotFound : replica.Verify(published, key, ip, permissions, clock.Now, _period);
    }

    public Task Drop(KeyVersion[] keys)
    {
        foreach (var (keyId, version) in keys)
        {
            // Only keys this node has seen matter: a key it never held is fetched fresh when first used.
            if (_replicas.TryGetValue(keyId, out var replica))
            {
                replica.Drop(version);
            }
        }

        return Task.CompletedTask;
    }

    public Task DropAll()
    {
        foreach (var replica in _replicas.Values)
        {
            replica.Drop(0);
        }

        return Task.CompletedTask;
    }

    public Task<bool> WasPresented(string keyId, byte[] secretHash) =>
        Task.FromResult(_replicas.TryGetValue(keyId, out var replica) && replica.Presented(secretHash));

    /// <summary>Starts a lease counted from <paramref name="askedAt"/>, a timestamp taken before the request was sent.</summary>
    internal void Lease(long askedAt, TimeSpan duration) =>
        Volatile.Write(ref _leaseEnd, askedAt + (long)(duration.TotalSeconds * time.TimestampFrequency));

    /// <summary>
    /// Stops answering from copies and drops them: the node lost its lease and may have missed changes.
    /// The versions heard of stay (they only ever grow), and so does what was seen of each key's use.
    /// </summary>
    internal void Forget()
    {
        Volatile.Write(ref _leaseEnd, 0);
        DropAll();
    }

    internal IEnumerable<KeyValuePair<string, Replica>> Replicas => _replicas;

    /// <summary>
    /// Ends a sweep period. Room is made only when it is wanted: when keys were turned away since the
    /// last sweep (or a race passed the bound), the keys unused longest go, as many as were turned away
    /// and at least a hundredth of the bound, so a new working set moves in over a few sweeps; never a
    /// key verified in the period just ended. Otherwise nothing is read: a node under its bound, or full
    /// with nobody waiting, does no work here. Returns the removed keys whose current secret was
    /// presented here, so the key grain can be told.
    /// </summary>
    internal List<(string KeyId, byte[] SecretHash)> Sweep()
    {
        var ended = Interlocked.Increment(ref _period) - 1;
        var turnedAway = Interlocked.Exchange(ref _turnedAway, 0);
        var wanted = _replicas.Count - _maxKeys + (turnedAway > 0 ? Math.Max(turnedAway, Math.Max(1, _maxKeys / 100)) : 0);
        var presented = new List<(string, byte[])>();
        if (wanted <= 0)
        {
            return presented;
        }

        // How many keys were last verified how many periods ago, then the youngest age that still
        // frees enough places: keys of that age or older go (an LRU to the period, in two passes).
        Span<int> byAge = stackalloc int[OldestAge + 1];
        foreach (var (_, replica) in _replicas)
        {
            byAge[Age(ended, replica)]++;
        }

        var threshold = OldestAge;
        for (var older = byAge[OldestAge]; threshold > 1 && older < wanted; older += byAge[threshold])
        {
            threshold--;
        }

        foreach (var (keyId, replica) in _replicas)
        {
            if (wanted == 0)
            {
                break;
            }

            if (Age(ended, replica) >= threshold)
            {
                // Emptied first, then removed: a change that no longer finds the key here cannot
                // leave a copy behind for a verification that found it a moment before.
                replica.Evict();
                _replicas.TryRemove(keyId, out _);
                wanted--;
                if (replica.PresentedHash is { } hash)
                {
                    presented.Add((keyId, hash));
                }
            }
        }

        return presented;
    }

    /// <summary>
    /// The node's instance of <paramref name="orgId"/>: the copies of one organization's keys name it
    /// with one string, which every answer they give reads (forward authentication's header), and
    /// which stays in the caches. At most one per key held.
    /// </summary>
    private string SharedOrgId(string orgId) =>
        _orgIds.TryGetValue(orgId, out var shared) ? shared : _orgIds.Count < _maxKeys ? _orgIds.GetOrAdd(orgId, orgId) : orgId;

    private static int Age(int ended, Replica replica) => Math.Clamp(ended - replica.UsedIn, 0, OldestAge);

    private Replica Track(string keyId)
    {
        var replica = new Replica(keyId, _period);
        if (_replicas.Count < _maxKeys)
        {
            return _replicas.GetOrAdd(keyId, replica);
        }

        // Full: the key is still answered, from a copy nobody keeps, and the next sweep makes room.
        Interlocked.Increment(ref _turnedAway);
        return replica;
    }
}

/// <summary>A grain that hands out copies of its key (the key grain).</summary>
[Alias("kg.IKeyCopySource")]
public interface IKeyCopySource : IGrainWithStringKey
{
    /// <summary>
    /// The key as this activation holds it; when that is older than <paramref name="knownVersion"/>,
    /// it first asks the organization, so a stale activation catches up rather than misleads.
    /// </summary>
    [Alias("GetCopy")] Task<KeyCopy> GetCopy(long knownVersion);
}

/// <summary>A copy refused because the node knows of a newer version: the caller asks again.</summary>
[GenerateSerializer, Alias("kg.StaleCopyException")]
public sealed class StaleCopyException : OrleansException
{
    public StaleCopyException() : base("A copy older than a known version of the key was offered.")
    {
    }
}
