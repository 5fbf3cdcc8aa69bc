using System.Net;
using KeyGrains.Keys;

namespace KeyGrains.Replicas;

/// <summary>One key on a node: its copy (if any), the newest version heard of, and its use.</summary>
internal sealed class Replica(string keyId, int period)
{
    private readonly Lock _gate = new();
    private volatile PublishedKey? _copy;
    private long _version;
    private SecretWatch? _secret;

    /// <summary>The node's sweep period in which the key was last verified (or first held).</summary>
    private int _usedIn = period;
    private KeyUsage _usage;

    /// <summary>Swept off the node: it keeps no copy from here on.</summary>
    private bool _evicted;

    public PublishedKey? Copy => _copy;

    public long Version => Volatile.Read(ref _version);

    public string? OrgId { get; private set; }

    /// <summary>The current secret's hash when it was presented on this node.</summary>
    public byte[]? PresentedHash => _secret is { Use: SecretUse.Presented } watch ? watch.Hash : null;

    /// <summary>The sweep period in which the key was last verified on this node.</summary>
    public int UsedIn => Volatile.Read(ref _usedIn);

    /// <summary>
    /// Answers from <paramref name="copy"/> (this replica's, or one just fetched) and records the use
    /// here, in the node's sweep period <paramref name="period"/>.
    /// </summary>
    public VerifyResult Verify(PublishedKey copy, string key, IPAddress? ip, string[]? permissions, DateTimeOffset now, int period)
    {
        // Read first: a key verified many times in a period writes its stamp once.
        if (_usedIn != period)
        {
            Volatile.Write(ref _usedIn, period);
        }

        return copy.Verify(key, ip, permissions, now, ref _usage);
    }

    /// <summary>The last successful use not yet reported, if any; it counts as reported from here on.</summary>
    public bool TryTakeUnreportedUse(out DateTimeOffset at) => _usage.TryTakeUnreported(out at);

    /// <summary>
    /// Takes <paramref name="copy"/> unless it is older than a version already heard of; kept for
    /// later verifications only when <paramref name="keep"/> (the node held its lease before asking).
    /// </summary>
    /// <param name="orgId">The organization's id as the node shares it between that organization's copies.</param>
    public PublishedKey? Take(KeyCopy copy, bool keep, string? orgId = null)
    {
        lock (_gate)
        {
            if (copy.Version < _version)
            {
                throw new StaleCopyException();
            }

            _version = copy.Version;
            if (copy.Record is not { } record)
            {
                _copy = null;
                return null;
            }

            OrgId = record.OrgId;
            if (_secret is null || !_secret.Watches(record.SecretHash))
            {
                _secret = new SecretWatch(record.SecretHash, sinceIssued: false);
            }

            var published = new PublishedKey(record, _secret, keyId, orgId);
            if (keep && !_evicted)
            {
                _copy = published;
            }

            return published;
        }
    }

    /// <summary>
    /// Before the node lets go of this key: no copy answers from here on, so a verification that found
    /// the replica just before it left cannot answer from a copy a later change no longer reaches.
    /// </summary>
    public void Evict()
    {
        lock (_gate)
        {
            _evicted = true;
            _copy = null;
        }
    }

    public void Drop(long version)
    {
        lock (_gate)
        {
            _copy = null;
            if (version > _version)
            {
                _version = version;
            }
        }
    }

    public bool Presented(byte[] secretHash) => _secret is { Use: SecretUse.Presented } watch && watch.Watches(secretHash);
}
