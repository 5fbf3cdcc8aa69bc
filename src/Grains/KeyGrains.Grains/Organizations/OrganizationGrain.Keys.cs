using KeyGrains.Keys;
using KeyGrains.Organizations.KeyChanges;

namespace KeyGrains.Organizations;

public sealed partial class OrganizationGrain
{
    public async Task<NewKey> CreateKey(CreateKey request, Caller caller)
    {
        await EnsureReadyAsync();
        var now = Now;
        var name = Rules.KeyName(request.Name);
        var description = Rules.Description(request.Description);
        var (roles, permissions) = ResolveRoles(request.Roles);
        var allowedIps = Rules.AllowedIps(request.AllowedIps);
        DateTimeOffset? expiresAt = request.ExpiresAt is { } e ? Rules.ExpiresAt(e, now) : null;

        if (State.Plan == Plan.Free)
        {
            throw new DomainException(ErrorCode.PlanRestriction, "The free plan cannot create API keys.");
        }

        if (ActiveKeyCount(now) >= State.KeyLimit)
        {
            throw new DomainException(ErrorCode.KeyLimitReached, $"The organization has reached its limit of {State.KeyLimit} active keys.");
        }

        var id = NewKeyId();
        var secret = ApiKeyFormat.NewKey(id);
        var record = new KeyRecord
        {
            Id = id,
            OrgId = OrgId,
            Version = NextVersion(),
            Name = name,
            Description = description,
            Roles = roles,
            Permissions = permissions,
            ExpiresAt = expiresAt,
            AllowedIps = allowedIps,
            SecretHash = ApiKeyFormat.Hash(secret),
            Last4 = secret[^4..],
            CreatedAt = now,
            CreatedBy = caller.Actor,
        };
        State.Keys[id] = record;
        await ChangeKeysAsync(KeyCreated.By(caller, record));
        return new NewKey(record.ToInfo(now), secret);
    }

    public async Task<KeyPage> ListKeys(KeyQuery query)
    {
        await EnsureReadyAsync();
        if (query.Limit is < 1 or > 1000)
        {
            throw DomainException.Invalid("limit", "The limit must be between 1 and 1000.");
        }

        var after = query.Cursor is null ? default(Position?) : Position.Parse(query.Cursor);
        var now = Now;
        var matches = new List<KeyRecord>();
        foreach (var record in State.Keys.Values)
        {
            if (Matches(record, query, now) && (after is not { } a || Position.Of(record).CompareTo(a) > 0))
            {
                matches.Add(record);
            }
        }

        matches.Sort(static (x, y) => Position.Of(x).CompareTo(Position.Of(y)));
        var count = Math.Min(query.Limit, matches.Count);
        var items = new KeyInfo[count];
        for (var i = 0; i < count; i++)
        {
            items[i] = matches[i].ToInfo(now);
        }

        var next = matches.Count > count ? Position.Of(matches[count - 1]).ToString() : null;
        return new KeyPage(items, next);
    }

    public async Task<KeyInfo> GetKey(string keyId)
    {
        await EnsureReadyAsync();
        return FindKey(keyId).ToInfo(Now);
    }

    public async Task<KeyInfo> UpdateKey(string keyId, UpdateKey request, Caller caller)
    {
        await EnsureReadyAsync();
        var now = Now;
        var current = FindKey(keyId);
        if (current.RevokedAt is not null)
        {
            throw new DomainException(ErrorCode.KeyRevoked, "A revoked key cannot be changed.");
        }

        var changed = new List<string>();
        var updated = current;
        if (request.Name is { } name)
        {
            updated = updated with { Name = Rules.KeyName(name) };
            changed.Add("name");
        }

        if (request.ClearDescription || request.Description is not null)
        {
            updated = updated with { Description = request.ClearDescription ? null : Rules.Description(request.Description) };
            changed.Add("description");
        }

        if (request.Roles is { } requestedRoles)
        {
            var (roles, permissions) = ResolveRoles(requestedRoles);
            updated = updated with { Roles = roles, Permissions = permissions };
            changed.Add("roles");
        }

        if (request.ClearExpiresAt || request.ExpiresAt is not null)
        {
            updated = updated with { ExpiresAt = request.ClearExpiresAt ? null : Rules.ExpiresAt(request.ExpiresAt!.Value, now) };
            changed.Add("expiresAt");
        }

        if (request.ClearAllowedIps || request.AllowedIps is not null)
        {
            updated = updated with { AllowedIps = request.ClearAllowedIps ? [] : Rules.AllowedIps(request.AllowedIps) };
            changed.Add("allowedIps");
        }

        if (changed.Count == 0)
        {
            return current.ToInfo(now);
        }

        if (updated.Roles.Length == 0)
        {
            throw DomainException.Invalid("roles", "A key needs at least one role.");
        }

        if (current.StatusAt(now) != KeyStatus.Active && updated.StatusAt(now) == KeyStatus.Active && ActiveKeyCount(now) >= State.KeyLimit)
        {
            throw new DomainException(ErrorCode.KeyLimitReached, $"The organization has reached its limit of {State.KeyLimit} active keys.");
        }

        State.Keys[keyId] = updated with { Version = NextVersion() };
        await ChangeKeysAsync(KeyUpdated.By(caller, current, changed));
        return State.Keys[keyId].ToInfo(now);
    }

    public async Task<KeyInfo> RevokeKey(string keyId, Caller caller)
    {
        await EnsureReadyAsync();
        var now = Now;
        var current = FindKey(keyId);
        if (current.RevokedAt is not null)
        {
            return current.ToInfo(now);
        }

        State.Keys[keyId] = current with { RevokedAt = now, Version = NextVersion() };
        await ChangeKeysAsync(KeyRevoked.By(caller, keyId));
        return State.Keys[keyId].ToInfo(now);
    }

    public async Task<NewKey> RotateKey(string keyId, int gracePeriodSeconds, Caller caller)
    {
        await EnsureReadyAsync();
        var now = Now;
        var grace = Rules.GracePeriod(gracePeriodSeconds);
        var current = FindKey(keyId);
        if (current.RevokedAt is not null)
        {
            throw new DomainException(ErrorCode.KeyRevoked, "A revoked key cannot be rotated.");
        }

        var secret = ApiKeyFormat.NewKey(keyId);
        var previousExpiresAt = now.AddSeconds(grace);
        State.Keys[keyId] = current with
        {
            Version = NextVersion(),
            SecretHash = ApiKeyFormat.Hash(secret),
            Last4 = secret[^4..],
            // Only the secret just replaced survives the grace period; an older one ends now.
            PreviousSecretHash = grace > 0 ? current.SecretHash : null,
            PreviousSecretExpiresAt = previousExpiresAt,
        };
        await ChangeKeysAsync(KeyRotated.By(caller, current, grace));
        return new NewKey(State.Keys[keyId].ToInfo(now), secret, previousExpiresAt);
    }

    public async Task DeleteKey(string keyId, Caller caller)
    {
        await EnsureReadyAsync();
        FindKey(keyId);
        State.Keys.Remove(keyId);
        await ChangeKeysAsync(KeyDeleted.By(caller, keyId));
    }

    private KeyRecord FindKey(string keyId) =>
        State.Keys.TryGetValue(keyId, out var record) ? record : throw DomainException.NotFound("The key");

    private string NewKeyId()
    {
        string id;
        do
        {
            id = ApiKeyFormat.NewId();
        }
        while (State.Keys.ContainsKey(id));

        return id;
    }

    private static bool Matches(KeyRecord record, KeyQuery query, DateTimeOffset now)
    {
        var status = record.StatusAt(now);
        var statusMatches = query.Status switch
        {
            KeyStatusFilter.Active => status == KeyStatus.Active,
            KeyStatusFilter.Revoked => status == KeyStatus.Revoked,
            KeyStatusFilter.Expired => status == KeyStatus.Expired,
            _ => true,
        };
        return statusMatches
            && (string.IsNullOrEmpty(query.Search)
                || record.Name.Contains(query.Search, StringComparison.OrdinalIgnoreCase)
                || record.Description?.Contains(query.Search, StringComparison.OrdinalIgnoreCase) == true);
    }

    /// <summary>Where a key stands in a list: newest first, then by id; also the page cursor.</summary>
    private readonly record struct Position(long Ticks, string Id) : IComparable<Position>
    {
        public static Position Of(KeyRecord record) => new(record.CreatedAt.UtcTicks, record.Id);

        public static Position Parse(string cursor)
        {
            var dot = cursor.IndexOf('.');
            return dot > 0
                && long.TryParse(cursor.AsSpan(0, dot), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ticks)
                && ApiKeyFormat.IsValidId(cursor.AsSpan(dot + 1))
                ? new Position(ticks, cursor[(dot + 1)..])
                : throw DomainException.Invalid("cursor", "The cursor is not valid.");
        }

        public int CompareTo(Position other)
        {
            var byTime = other.Ticks.CompareTo(Ticks);
            return byTime != 0 ? byTime : string.CompareOrdinal(other.Id, Id);
        }

        public override string ToString() => Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture) + "." + Id;
    }
}
