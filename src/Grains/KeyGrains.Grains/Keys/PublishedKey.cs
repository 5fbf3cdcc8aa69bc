using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace KeyGrains.Keys;

/// <summary>
/// A key record compiled for verification, what the key grain and the nodes' copies
/// (<see cref="Replicas.NodeReplicas"/>) both answer from, so "verify, then note which secret was
/// presented and record a successful use" is written once. Networks are parsed, the valid answer's
/// JSON is written in advance, and what every verification reads (both secrets' hashes, expiry,
/// revocation) is held here as plain values rather than behind the record: at 100,000 keys each
/// object a hit follows is a likely cache miss, so a hit reads this object, its prepared answer,
/// and nothing else of the key. A valid verification allocates nothing and touches no storage.
/// </summary>
internal sealed class PublishedKey
{
    private readonly KeyRecord _record;
    private readonly Sha256Words _current;
    private readonly Sha256Words _previous;

    /// <summary>While the previous secret still verifies (UTC ticks); 0 when it does not exist.</summary>
    private readonly long _previousUntil;

    /// <summary>When the key expires (UTC ticks); <see cref="long.MaxValue"/> when never.</summary>
    private readonly long _expires;
    private readonly bool _revoked;
    private readonly IPNetwork[]? _networks;
    private readonly string[] _permissions;
    private readonly VerifyResult _valid;
    private readonly SecretWatch _watch;

    /// <summary>The watch has been told of a presentation through this copy: later hits need not read it.</summary>
    private volatile bool _presentedNoted;

    /// <param name="keyId">The key's id as the caller holds it already (a node: its lookup's key), if so.</param>
    /// <param name="orgId">The organization's id as the caller shares it between that organization's keys, if so.</param>
    public PublishedKey(KeyRecord record, SecretWatch current, string? keyId = null, string? orgId = null)
    {
        _record = record;
        _watch = current;
        _current = new Sha256Words(record.SecretHash);
        if (record is { PreviousSecretHash: { } previous, PreviousSecretExpiresAt: { } until })
        {
            _previous = new Sha256Words(previous);
            _previousUntil = until.UtcTicks;
        }

        _expires = record.ExpiresAt?.UtcTicks ?? long.MaxValue;
        _revoked = record.RevokedAt is not null;
        _permissions = record.Permissions;
        if (record.AllowedIps.Length > 0)
        {
            _networks = new IPNetwork[record.AllowedIps.Length];
            for (var i = 0; i < _networks.Length; i++)
            {
                // Rules were validated when written; a rule that no longer parses matches nobody (fail closed).
                _networks[i] = Validation.TryParseIpRule(record.AllowedIps[i], out var network)
                    ? network
                    : new IPNetwork(IPAddress.IPv6None, 128);
            }
        }

        // Only the common answer is kept, with its verify JSON and forward authentication's roles
        // header written now (rather than on a request, and next to this object in memory); the
        // refusals are rare enough to build when they happen.
        // It names the key and the organization with strings a hit reads anyway or shares with other
        // copies, when the caller has them: the record's own, deserialized elsewhere in memory, were
        // two more cache misses for every forward authentication's headers at 100,000 keys.
        _valid = Answer(VerifyCode.Valid, keyId == record.Id ? keyId : record.Id, orgId == record.OrgId ? orgId : record.OrgId);
        _valid.Utf8Json();
        _valid.RolesText();
    }

    public KeyRecord Record => _record;

    /// <summary>
    /// The checks in the contract's order; the first that fails gives the code. A presentation of
    /// the current secret is noted on its watch, and a valid answer in <paramref name="usage"/>,
    /// which lives in the caller (a node's replica, the key grain) and outlasts this copy.
    /// </summary>
    public VerifyResult Verify(string key, IPAddress? ip, string[]? permissions, DateTimeOffset now, ref KeyUsage usage)
    {
        var ticks = now.UtcTicks;
        if (!SecretMatches(key, ticks, out var byCurrentSecret))
        {
            return VerifyResult.NotFound;
        }

        if (byCurrentSecret && !_presentedNoted)
        {
            _watch.RecordPresented();
            _presentedNoted = true;
        }

        var result = Check(ip, permissions, ticks);
        if (result.IsValid)
        {
            usage.Record(ticks);
        }

        return result;
    }

    private VerifyResult Check(IPAddress? ip, string[]? permissions, long now)
    {
        if (_revoked)
        {
            return Answer(VerifyCode.Revoked);
        }

        if (now >= _expires)
        {
            return Answer(VerifyCode.Expired);
        }

        if (_networks is not null && !IpAllowed(ip))
        {
            return Answer(VerifyCode.IpNotAllowed);
        }

        if (permissions is { } requested)
        {
            foreach (var permission in requested)
            {
                if (!Permissions.AnyGrants(_permissions, permission))
                {
                    return Answer(VerifyCode.InsufficientPermissions);
                }
            }
        }

        return _valid;
    }

    private bool SecretMatches(string presented, long now, out bool current)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        ApiKeyFormat.Hash(presented, hash);
        var words = new Sha256Words(hash);

        // Both comparisons always run, and neither stops at the first differing word, so timing
        // tells neither which secret (if any) matched nor how much of a hash did.
        current = words.EqualsInConstantTime(_current);
        var previous = words.EqualsInConstantTime(_previous) & now < _previousUntil;
        return current | previous;
    }

    private bool IpAllowed(IPAddress? ip)
    {
        // Rules exist and no address was given: refused, so a missing address never widens access.
        if (ip is null)
        {
            return false;
        }

        ip = Validation.Normalize(ip);
        foreach (var network in _networks!)
        {
            if (network.Contains(ip))
            {
                return true;
            }
        }

        return false;
    }

    private VerifyResult Answer(VerifyCode code) => Answer(code, _record.Id, _record.OrgId);

    private VerifyResult Answer(VerifyCode code, string keyId, string orgId) => new(
        code, keyId, orgId, _record.Name, _record.Roles, _record.Permissions, _record.ExpiresAt);

    /// <summary>A SHA-256 hash as four machine words, held inline in its owner.</summary>
    private readonly struct Sha256Words
    {
        private readonly ulong _a;
        private readonly ulong _b;
        private readonly ulong _c;
        private readonly ulong _d;

        public Sha256Words(ReadOnlySpan<byte> hash)
        {
            // A stored hash of another length cannot match any presented key: it stays all zeros,
            // and the presented hash (never all zeros in practice) is compared with that.
            if (hash.Length != SHA256.HashSizeInBytes)
            {
                return;
            }

            var words = MemoryMarshal.Cast<byte, ulong>(hash);
            (_a, _b, _c, _d) = (words[0], words[1], words[2], words[3]);
        }

        /// <summary>Every word is compared, with no branch on the values.</summary>
        public bool EqualsInConstantTime(in Sha256Words other) =>
            ((_a ^ other._a) | (_b ^ other._b) | (_c ^ other._c) | (_d ^ other._d)) == 0;
    }
}
