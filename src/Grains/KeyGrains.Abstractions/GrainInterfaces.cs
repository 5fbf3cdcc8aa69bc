using Orleans.Concurrency;

namespace KeyGrains;

/// <summary>
/// An organization (key: its id). The single writer for everything that changes its set of keys,
/// so its active-key limit holds however many calls race.
/// </summary>
[Alias("kg.IOrganizationGrain")]
public interface IOrganizationGrain : IGrainWithStringKey
{
    /// <summary>
    /// How long a call that changes keys may take: it waits for every node to drop its copies, or for
    /// the lease of a node that does not answer to run out (<c>Replicas:LeaseDuration</c>, at most 15 s).
    /// Longer than a read's timeout, so a storage that hangs costs a change's caller this long before 503.
    /// </summary>
    public const string ChangeTimeout = "00:00:20";

    [Alias("Create")] Task<OrgInfo> Create(CreateOrg request, Caller caller);

    /// <summary>The organization, or null when it does not exist.</summary>
    [Alias("Get")] Task<OrgInfo?> Get();

    [Alias("Update")] Task<OrgInfo> Update(UpdateOrg request, Caller caller);

    [Alias("GetRoles")] Task<RoleInfo[]> GetRoles();

    [ResponseTimeout(ChangeTimeout), Alias("UpsertRole")] Task<RoleInfo> UpsertRole(string name, string? description, string[] permissions, Caller caller);

    [ResponseTimeout(ChangeTimeout), Alias("DeleteRole")] Task DeleteRole(string name, Caller caller);

    /// <summary>
    /// A new key. With <paramref name="idempotency"/>, the first answer is stored (sealed) with the
    /// key, and the same request under the same token gets it again for a day; another request
    /// under it is a conflict.
    /// </summary>
    [ResponseTimeout(ChangeTimeout), Alias("CreateKey")] Task<NewKey> CreateKey(CreateKey request, Caller caller, IdempotencyToken? idempotency = null);

    [Alias("ListKeys")] Task<KeyPage> ListKeys(KeyQuery query);

    [Alias("GetKey")] Task<KeyInfo> GetKey(string keyId);

    [ResponseTimeout(ChangeTimeout), Alias("UpdateKey")] Task<KeyInfo> UpdateKey(string keyId, UpdateKey request, Caller caller);

    [ResponseTimeout(ChangeTimeout), Alias("RevokeKey")] Task<KeyInfo> RevokeKey(string keyId, Caller caller);

    /// <summary>A new secret for the key; <paramref name="idempotency"/> as in <see cref="CreateKey"/>.</summary>
    [ResponseTimeout(ChangeTimeout), Alias("RotateKey")] Task<NewKey> RotateKey(string keyId, int gracePeriodSeconds, Caller caller, IdempotencyToken? idempotency = null);

    [ResponseTimeout(ChangeTimeout), Alias("DeleteKey")] Task DeleteKey(string keyId, Caller caller);

    [Alias("GetAudit")] Task<AuditPage> GetAudit(int limit, long? before);

    /// <summary>
    /// Records refused admin calls against this organization as one <c>auth.refused</c> event per
    /// summary, if the organization exists; otherwise nothing is written.
    /// </summary>
    [Alias("RecordRefusals")] Task RecordRefusals(RefusalSummary[] refusals);

    /// <summary>When keys of this organization last verified (key id to time); may lag by a minute.</summary>
    [OneWay, Alias("ReportLastUsed")] Task ReportLastUsed(Dictionary<string, DateTimeOffset> uses);
}

/// <summary>
/// One API key (key: its public id). Holds what verification needs, in memory, and answers
/// <see cref="Verify"/> without touching storage. Only its organization changes it.
/// </summary>
[Alias("kg.IApiKeyGrain")]
public interface IApiKeyGrain : IGrainWithStringKey
{
    [ReadOnly, Alias("Verify")] ValueTask<VerifyResult> Verify(VerifyRequest request);
}

/// <summary>One segment of an organization's audit log (key: <c>{orgId}/{segment}</c>).</summary>
[Alias("kg.IAuditLogGrain")]
public interface IAuditLogGrain : IGrainWithStringKey
{
    /// <summary>Adds events; an event whose id is already there is ignored, so a retry is harmless.</summary>
    [Alias("Append")] Task Append(AuditEvent[] events);

    /// <summary>The segment's events, oldest first.</summary>
    [ReadOnly, Alias("Get")] Task<AuditEvent[]> Get();
}

/// <summary>
/// The platform's operator credential, shared by every web API node (key: 0). Only the token's
/// SHA-256 is kept; the first node to start without a configured token generates one.
/// </summary>
[Alias("kg.IOperatorGrain")]
public interface IOperatorGrain : IGrainWithIntegerKey
{
    /// <summary>Stores <paramref name="tokenHash"/> if no hash is stored yet; true when this call stored it.</summary>
    [Alias("TrySetTokenHash")] Task<bool> TrySetTokenHash(byte[] tokenHash);

    /// <summary>Stores <paramref name="tokenHash"/> in place of any stored hash: a rotated or newly configured token.</summary>
    [Alias("ReplaceTokenHash")] Task ReplaceTokenHash(byte[] tokenHash);

    /// <summary>
    /// The secrets that tag keys, oldest first, at least <paramref name="count"/> of them: missing
    /// ones are generated and stored first. The newest tags new keys.
    /// </summary>
    [Alias("GetKeyTagSecrets")] Task<byte[][]> GetKeyTagSecrets(int count);

    /// <summary>The stored hash, or null before any was set.</summary>
    [ReadOnly, Alias("GetTokenHash")] Task<byte[]?> GetTokenHash();
}

/// <summary>
/// Reads from grain storage on every call (key: 0), so a timely answer means the cluster and its
/// storage both answer now: what <c>/health/ready</c> asks.
/// </summary>
[Alias("kg.IStorageProbeGrain")]
public interface IStorageProbeGrain : IGrainWithIntegerKey
{
    [Alias("Probe")] Task Probe();
}
