using System.Net;
using System.Security.Cryptography;

namespace KeyGrains.Keys;

/// <summary>
/// A key record compiled for verification: parsed networks, pre-resolved permissions and the valid
/// answer built in advance, so a valid verification allocates nothing and touches no storage.
/// </summary>
internal sealed class VerificationModel
{
    private readonly KeyRecord _record;
    private readonly IPNetwork[] _networks;
    private readonly VerifyResult _valid;

    public VerificationModel(KeyRecord record)
    {
        _record = record;
        _networks = new IPNetwork[record.AllowedIps.Length];
        for (var i = 0; i < _networks.Length; i++)
        {
            // Rules were validated when written; a rule that no longer parses matches nobody (fail closed).
            _networks[i] = Validation.TryParseIpRule(record.AllowedIps[i], out var network)
                ? network
                : new IPNetwork(IPAddress.IPv6None, 128);
        }

        // Only the common answer is kept, with its JSON written now rather than on a request;
        // the refusals are rare enough to build when they happen.
        _valid = Answer(VerifyCode.Valid);
        _valid.Utf8Json();
    }

    public KeyRecord Record => _record;

    /// <summary>
    /// The checks in the contract's order; the first that fails gives the code.
    /// <paramref name="byCurrentSecret"/> tells whether the current secret was the one presented.
    /// </summary>
    public VerifyResult Verify(string key, IPAddress? ip, string[]? permissions, DateTimeOffset now, out bool byCurrentSecret)
    {
        if (!SecretMatches(key, now, out byCurrentSecret))
        {
            return VerifyResult.NotFound;
        }

        if (_record.RevokedAt is not null)
        {
            return Answer(VerifyCode.Revoked);
        }

        if (_record.ExpiresAt <= now)
        {
            return Answer(VerifyCode.Expired);
        }

        if (_networks.Length > 0 && !IpAllowed(ip))
        {
            return Answer(VerifyCode.IpNotAllowed);
        }

        if (permissions is { } requested)
        {
            foreach (var permission in requested)
            {
                if (!Permissions.AnyGrants(_record.Permissions, permission))
                {
                    return Answer(VerifyCode.InsufficientPermissions);
                }
            }
        }

        return _valid;
    }

    private bool SecretMatches(string presented, DateTimeOffset now, out bool current)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        ApiKeyFormat.Hash(presented, hash);

        // Both comparisons always run, so timing does not tell which secret (if any) matched.
        current = CryptographicOperations.FixedTimeEquals(hash, _record.SecretHash);
        var previous = _record.PreviousSecretHash is { } old
            && CryptographicOperations.FixedTimeEquals(hash, old)
            && now < _record.PreviousSecretExpiresAt;
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
        foreach (var network in _networks)
        {
            if (network.Contains(ip))
            {
                return true;
            }
        }

        return false;
    }

    private VerifyResult Answer(VerifyCode code) => new(
        code, _record.Id, _record.OrgId, _record.Name, _record.Roles, _record.Permissions, _record.ExpiresAt);
}
