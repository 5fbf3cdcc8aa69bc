using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace KeyGrains.WebApi.Apis;

public sealed record CreateKeyBody(string? Name, string? Description, [property: Required] string[]? Roles, DateTimeOffset? ExpiresAt, string[]? AllowedIps)
{
    public FieldErrors Check(DateTimeOffset now)
    {
        var errors = new FieldErrors();
        errors.Check("roles", Rules.KeyRolesProblem(Roles));
        KeyMembers.Check(errors, Name, Description, ExpiresAt, AllowedIps, now);
        return errors;
    }
}

/// <summary>
/// PATCH body: the setters record which members were present, so an absent member leaves the
/// field as it is and an explicit null clears it.
/// </summary>
public sealed class UpdateKeyBody
{
    [DisallowNull] public string? Name { get; set { field = value; HasName = true; } }

    public string? Description { get; set { field = value; HasDescription = true; } }

    [DisallowNull] public string[]? Roles { get; set { field = value; HasRoles = true; } }

    public DateTimeOffset? ExpiresAt { get; set { field = value; HasExpiresAt = true; } }

    public string[]? AllowedIps { get; set { field = value; HasAllowedIps = true; } }

    [JsonIgnore] public bool HasName { get; private set; }

    [JsonIgnore] public bool HasDescription { get; private set; }

    [JsonIgnore] public bool HasRoles { get; private set; }

    [JsonIgnore] public bool HasExpiresAt { get; private set; }

    [JsonIgnore] public bool HasAllowedIps { get; private set; }

    public FieldErrors Check(DateTimeOffset now)
    {
        var errors = new FieldErrors();
        errors.NotNull("name", HasName, Name);
        if (HasRoles)
        {
            errors.Check("roles", Rules.KeyRolesProblem(Roles));
        }

        KeyMembers.Check(errors, Name, Description, ExpiresAt, AllowedIps, now);
        return errors;
    }

    public UpdateKey ToUpdate() => new(
        Name,
        Description,
        ClearDescription: HasDescription && Description is null,
        Roles,
        ExpiresAt,
        ClearExpiresAt: HasExpiresAt && ExpiresAt is null,
        AllowedIps,
        ClearAllowedIps: HasAllowedIps && AllowedIps is null);
}

/// <summary>The members a key's create and change bodies share; absent ones pass.</summary>
internal static class KeyMembers
{
    public static void Check(FieldErrors errors, string? name, string? description, DateTimeOffset? expiresAt, string[]? allowedIps, DateTimeOffset now)
    {
        errors.Check("name", Rules.KeyNameProblem(name));
        errors.Check("description", Rules.DescriptionProblem(description));
        if (expiresAt is { } expiry)
        {
            errors.Check("expiresAt", Rules.ExpiresAtProblem(expiry, now));
        }

        errors.Check("allowedIps", Rules.AllowedIpsProblem(allowedIps));
    }
}

public sealed record RotateKeyBody(int? GracePeriodSeconds);

/// <summary>Revoke takes no members; any JSON object is accepted and ignored.</summary>
public sealed record RevokeKeyBody;

/// <summary>A key with its whole secret in <c>key</c>: answered once, by create and rotate.</summary>
public sealed record NewKeyResponse(
    string Id,
    string OrgId,
    string Name,
    string? Description,
    string[] Roles,
    KeyStatus Status,
    string Last4,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt,
    string[] AllowedIps,
    string Key,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? PreviousSecretExpiresAt)
{
    // A record prints every member: this one must never put the secret in a log line.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Id = ").Append(Id).Append(", OrgId = ").Append(OrgId).Append(", Key = ").Append(Redacted.Text);
        return true;
    }

    public static NewKeyResponse From(NewKey created)
    {
        var k = created.Key;
        return new(k.Id, k.OrgId, k.Name, k.Description, k.Roles, k.Status, k.Last4, k.CreatedAt, k.CreatedBy,
            k.ExpiresAt, k.RevokedAt, k.LastUsedAt, k.AllowedIps, created.Secret, created.PreviousSecretExpiresAt);
    }
}
