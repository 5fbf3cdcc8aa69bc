using System.Text.Json.Serialization;

namespace KeyGrains.Client;

// The contract's resources, member for member, so that a serialized answer reads as the API wrote it.

public sealed record Org(string Id, string Name, string Plan, int KeyLimit, int ActiveKeyCount, DateTimeOffset CreatedAt);

public sealed record NewOrg(string Name, string? Id = null, string? Plan = null, int? KeyLimit = null);

public sealed record OrgChanges(string? Name = null, string? Plan = null, int? KeyLimit = null);

public sealed record Role(string Name, string? Description, string[] Permissions, bool BuiltIn);

public sealed record RoleDefinition(string[] Permissions, string? Description = null);

public sealed record Key(
    string Id, string OrgId, string? Name, string? Description, string[] Roles, string Status, string Last4,
    DateTimeOffset CreatedAt, string? CreatedBy, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt, string[]? AllowedIps);

/// <summary>A key with its secret, returned once at creation or rotation: keep it, never log it.</summary>
public sealed record NewKey(
    string Id, string OrgId, string? Name, string? Description, string[] Roles, string Status, string Last4,
    DateTimeOffset CreatedAt, string? CreatedBy, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt, string[]? AllowedIps,
    [property: JsonPropertyName("key")] string Secret,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? PreviousSecretExpiresAt = null)
{
    // A record prints every member: this one must never put the secret in a log line.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Id = ").Append(Id).Append(", OrgId = ").Append(OrgId).Append(", Last4 = ").Append(Last4);
        return true;
    }
}

public sealed record KeySpec(string[] Roles, string? Name = null, string? Description = null, DateTimeOffset? ExpiresAt = null, string[]? AllowedIps = null);

/// <summary>
/// A PATCH of a key: a member left null is not sent (the field stays as it is); a
/// <see cref="Change{T}"/> holding null clears an optional field.
/// </summary>
public sealed record KeyChanges(
    string? Name = null, Change<string?>? Description = null, string[]? Roles = null,
    Change<DateTimeOffset?>? ExpiresAt = null, Change<string[]?>? AllowedIps = null);

/// <summary>A new value for a PATCH member, null included.</summary>
public readonly record struct Change<T>(T Value);

public sealed record Page<T>(T[] Items, string? Next);

public sealed record ItemList<T>(T[] Items);

public sealed record AuditEvent(long Id, DateTimeOffset At, string Actor, string Action, string? Target, string? SourceIp, Dictionary<string, string>? Details);

/// <summary>The answer of <c>POST /v1/keys/verify</c>; members other than valid and code only when the secret matched.</summary>
public sealed record Verification(
    bool Valid, string Code, string? KeyId = null, string? OrgId = null, string? Name = null,
    string[]? Roles = null, string[]? Permissions = null, DateTimeOffset? ExpiresAt = null);

/// <summary>The contract's verification codes.</summary>
public static class VerificationCodes
{
    public const string Valid = "VALID";
    public const string NotFound = "NOT_FOUND";
    public const string Revoked = "REVOKED";
    public const string Expired = "EXPIRED";
    public const string IpNotAllowed = "IP_NOT_ALLOWED";
    public const string InsufficientPermissions = "INSUFFICIENT_PERMISSIONS";
}
