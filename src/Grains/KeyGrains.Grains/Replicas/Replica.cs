using System.Net;
using KeyGrains.Keys;

namespace KeyGrains.Replicas;

/// <summary>One key on a node: its copy (if any), the newest version heard of, and its use.</summary>
internal sealed class Replica
{
    private readonly Lock _gate = new();
    private volatile PublishedKey? _copy;
    private long _version;
    private SecretWatch? _secret;
    private volatile bool _touched = true;
    private KeyUsage _usage;

    public PublishedKey? Copy => _copy;

    public long Version => Volatile.Read(ref _version);

    public string? OrgId { get; private set; }

    /// <summary>The current secret's hash when it was presented on this node.</summary>
    public byte[]? PresentedHash => _secret is { Use: SecretUse.Presented } watch ? watch.Hash : null;

    /// <summary>Answers from <paramref name="copy"/> (this replica's, or one just fetched) and records the use here.</summary>
    public VerifyResult Verify(PublishedKey copy, string key, IPAddress? ip, string[]? permissions, DateTimeOffset now)
    {
        Touch();
        return copy.Verify(key, ip, permissions, now, ref _usage);
    }

    /// <summary>The last successful use not yet reported, if any; it counts as reported from here on.</summary>
    public bool TryTakeUnreportedUse(out DateTimeOffset at) => _usage.TryTakeUnreported(out at);

    private void Touch()
    {
        // Read first, so a hot key does not write the same cache line on every verification.
        if (!_touched)
        {
            _touched = true;
        }
    }

    public bool TakeTouched()
    {
        var touched = _touched;
        _touched = false;
        return touched;
    }

    /// <summary>
    /// Takes <paramref name="copy"/> unless it is older than a version already heard of; kept for
    /// later verifications only when <paramref name="keep"/> (the node held its lease before asking).
    /// </summary>
    public PublishedKey? Take(KeyCopy copy, bool keep)
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

            var published = new PublishedKey(record, _secret);
            if (keep)
            {
                _copy = published;
            }

            return published;
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
