namespace KeyGrains.Keys;

/// <summary>
/// Everything about one key except its secret, which exists only as a hash. The organization grain
/// owns it; the key grain holds a copy, compiled for verification, and takes a copy only when its
/// <see cref="Version"/> is newer than the one it has.
/// </summary>
[GenerateSerializer, Immutable, Alias("kg.KeyRecord")]
public sealed record KeyRecord
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string OrgId { get; init; }
    [Id(2)] public required long Version { get; init; }
    [Id(3)] public required string Name { get; init; }
    [Id(4)] public string? Description { get; init; }
    [Id(5)] public required string[] Roles { get; init; }
    /// <summary>The patterns the roles grant, resolved when the record is written.</summary>
    [Id(6)] public required string[] Permissions { get; init; }
    [Id(7)] public DateTimeOffset? ExpiresAt { get; init; }
    [Id(8)] public string[] AllowedIps { get; init; } = [];
    [Id(9)] public DateTimeOffset? RevokedAt { get; init; }
    [Id(10)] public required byte[] SecretHash { get; init; }
    [Id(11)] public byte[]? PreviousSecretHash { get; init; }
    [Id(12)] public DateTimeOffset? PreviousSecretExpiresAt { get; init; }
    [Id(13)] public required string Last4 { get; init; }
    [Id(14)] public required DateTimeOffset CreatedAt { get; init; }
    [Id(15)] public required string CreatedBy { get; init; }
    [Id(16)] public DateTimeOffset? LastUsedAt { get; init; }

    /// <summary>
    /// The <see cref="Version"/> that issued the current secret, set by rotation (0 when unknown):
    /// a key grain taking that very version has seen the secret from its start.
    /// </summary>
    [Id(17)] public long SecretVersion { get; init; }

    public KeyStatus StatusAt(DateTimeOffset now) =>
        RevokedAt is not null ? KeyStatus.Revoked
        : ExpiresAt <= now ? KeyStatus.Expired
        : KeyStatus.Active;

    /// <summary>The key as the API shows it; its last use is kept by the organization (<c>LastUseState</c>).</summary>
    public KeyInfo ToInfo(DateTimeOffset now, DateTimeOffset? lastUsedAt) => new(
        Id, OrgId, Name, Description, Roles, StatusAt(now), Last4, CreatedAt, CreatedBy,
        ExpiresAt, RevokedAt, lastUsedAt, AllowedIps);
}
