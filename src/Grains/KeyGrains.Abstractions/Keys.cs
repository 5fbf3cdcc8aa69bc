namespace KeyGrains;

[GenerateSerializer, Immutable, Alias("kg.KeyInfo")]
public sealed record KeyInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string OrgId,
    [property: Id(2)] string Name,
    [property: Id(3)] string? Description,
    [property: Id(4)] string[] Roles,
    [property: Id(5)] KeyStatus Status,
    [property: Id(6)] string Last4,
    [property: Id(7)] DateTimeOffset CreatedAt,
    [property: Id(8)] string CreatedBy,
    [property: Id(9)] DateTimeOffset? ExpiresAt,
    [property: Id(10)] DateTimeOffset? RevokedAt,
    [property: Id(11)] DateTimeOffset? LastUsedAt,
    [property: Id(12)] string[] AllowedIps);

/// <summary>A key with its whole secret: returned once, by create and rotate, and never again.</summary>
[GenerateSerializer, Immutable, Alias("kg.NewKey")]
public sealed record NewKey(
    [property: Id(0)] KeyInfo Key,
    [property: Id(1)] string Secret,
    [property: Id(2)] DateTimeOffset? PreviousSecretExpiresAt = null)
{
    // A record prints every member: this one must never put the secret in a log line.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Key = ").Append(Key).Append(", Secret = ").Append(Redacted.Text)
            .Append(", PreviousSecretExpiresAt = ").Append(PreviousSecretExpiresAt);
        return true;
    }
}

[GenerateSerializer, Immutable, Alias("kg.CreateKey")]
public sealed record CreateKey(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Description,
    [property: Id(2)] string[] Roles,
    [property: Id(3)] DateTimeOffset? ExpiresAt = null,
    [property: Id(4)] string[]? AllowedIps = null);

/// <summary>
/// A change to a key. A null member stays as it is; the <c>Clear…</c> flags set an optional
/// field to nothing (PATCH with an explicit null).
/// </summary>
[GenerateSerializer, Immutable, Alias("kg.UpdateKey")]
public sealed record UpdateKey(
    [property: Id(0)] string? Name = null,
    [property: Id(1)] string? Description = null,
    [property: Id(2)] bool ClearDescription = false,
    [property: Id(3)] string[]? Roles = null,
    [property: Id(4)] DateTimeOffset? ExpiresAt = null,
    [property: Id(5)] bool ClearExpiresAt = false,
    [property: Id(6)] string[]? AllowedIps = null,
    [property: Id(7)] bool ClearAllowedIps = false);

[GenerateSerializer, Immutable, Alias("kg.KeyQuery")]
public sealed record KeyQuery(
    [property: Id(0)] KeyStatusFilter Status = KeyStatusFilter.All,
    [property: Id(1)] string? Search = null,
    [property: Id(2)] int Limit = 100,
    [property: Id(3)] string? Cursor = null);

/// <summary>A page of keys, newest first; <see cref="Next"/> is the cursor of the following page.</summary>
[GenerateSerializer, Immutable, Alias("kg.KeyPage")]
public sealed record KeyPage(
    [property: Id(0)] KeyInfo[] Items,
    [property: Id(1)] string? Next);
