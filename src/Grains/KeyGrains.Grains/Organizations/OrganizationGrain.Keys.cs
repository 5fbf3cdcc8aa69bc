using KeyGrains.Keys;
using KeyGrains.Organizations.KeyChanges;

namespace KeyGrains.Organizations;

public sealed partial class OrganizationGrain
{
    public async Task<NewKey> CreateKey(CreateKey request, Caller caller, IdempotencyToken? idempotency = null)
    {
        await EnsureReadyAsync();
        var requestHash = CreationHash(request);
        if (Replay(idempotency, requestHash) is { } first)
        {
            return first;
        }

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

        // Checked first: it fails only when at least the bound's worth of keys is active (the key
        // limit was lowered since), and then the active limit alone would not say why.
        var bound = RecordBound.For(State.KeyLimit);
        var purged = RecordBound.ToPurge(State.Keys.Values, bound, now)
            ?? throw new DomainException(ErrorCode.KeyLimitReached, $"The organization keeps at most {bound} key records (active, revoked and expired together) and holds {State.Keys.Count}, too few of them revoked or expired to make room; delete keys first.");

        if (ActiveKeyCount(now) >= State.KeyLimit)
        {
            throw new DomainException(ErrorCode.KeyLimitReached, $"The organization has reached its limit of {State.KeyLimit} active keys.");
        }

        var id = NewKeyId();
        var secret = (await keyTags.GetAsync(GrainFactory)).NewKey(id);
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
        foreach (var gone in purged)
        {
            State.RemoveKey(gone.Id);
        }

        State.Keys[id] = record;
        var answer = new NewKey(InfoOf(record, now), secret);
        KeyChange[] changes = purged.Length == 0 ? [KeyCreated.By(caller, record)] : [KeyPurged.By(caller, purged), KeyCreated.By(caller, record)];
        await ChangeKeysAsync(changes, Seal(idempotency, requestHash, answer));
        return answer;
    }

    public async Task<KeyInfo> GetKey(string keyId)
    {
        await EnsureReadyAsync();
        return InfoOf(FindKey(keyId), Now);
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
            return InfoOf(current, now);
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
        return InfoOf(State.Keys[keyId], now);
    }

    public async Task<KeyInfo> RevokeKey(string keyId, Caller caller)
    {
        await EnsureReadyAsync();
        var now = Now;
        var current = FindKey(keyId);
        if (current.RevokedAt is not null)
        {
            return InfoOf(current, now);
        }

        State.Keys[keyId] = current with { RevokedAt = now, Version = NextVersion() };
        await ChangeKeysAsync(KeyRevoked.By(caller, keyId));
        return InfoOf(State.Keys[keyId], now);
    }

    public async Task<NewKey> RotateKey(string keyId, int gracePeriodSeconds, Caller caller, IdempotencyToken? idempotency = null)
    {
        await EnsureReadyAsync();
        var requestHash = RotationHash(keyId, gracePeriodSeconds);
        if (Replay(idempotency, requestHash) is { } first)
        {
            return first;
        }

        var now = Now;
        var grace = Rules.GracePeriod(gracePeriodSeconds);
        var current = FindKey(keyId);
        if (current.RevokedAt is not null)
        {
            throw new DomainException(ErrorCode.KeyRevoked, "A revoked key cannot be rotated.");
        }

        var secret = (await keyTags.GetAsync(GrainFactory)).NewKey(keyId);
        var rotated = await KeepsPreviousSecretAsync(current, now)
            // The current secret was never presented, so nobody holds it (its answer was lost): it
            // ends, and the previous one, which its holder still uses, keeps the longer grace.
            ? current with
            {
                PreviousSecretExpiresAt = Max(current.PreviousSecretExpiresAt!.Value, now.AddSeconds(grace)),
            }
            // Only the secret just replaced survives the grace period; an older one ends now.
            : current with
            {
                PreviousSecretHash = grace > 0 ? current.SecretHash : null,
                PreviousSecretExpiresAt = now.AddSeconds(grace),
            };
        var version = NextVersion();
        State.Keys[keyId] = rotated with { Version = version, SecretVersion = version, SecretHash = ApiKeyFormat.Hash(secret), Last4 = secret[^4..] };
        var answer = new NewKey(InfoOf(State.Keys[keyId], now), secret, rotated.PreviousSecretExpiresAt);
        await ChangeKeysAsync(KeyRotated.By(caller, current, grace), Seal(idempotency, requestHash, answer));
        return answer;
    }

    public async Task DeleteKey(string keyId, Caller caller)
    {
        await EnsureReadyAsync();
        FindKey(keyId);
        State.RemoveKey(keyId);
        await ChangeKeysAsync(KeyDeleted.By(caller, keyId));
    }

    /// <summary>
    /// True only when a previous secret is still in its grace and the key grain knows the current
    /// secret was never presented since it was issued. Not knowing counts as presented: a secret
    /// is never ended on a guess, and the rotation is then the ordinary one.
    /// </summary>
    private async Task<bool> KeepsPreviousSecretAsync(KeyRecord current, DateTimeOffset now) =>
        current.PreviousSecretHash is not null
        && now < current.PreviousSecretExpiresAt
        && await GrainFactory.GetGrain<IKeyReplica>(current.Id).GetSecretUse(current.SecretHash) == SecretUse.NeverPresented;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

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
}
