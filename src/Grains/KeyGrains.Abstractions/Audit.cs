namespace KeyGrains;

[GenerateSerializer, Immutable, Alias("kg.AuditEvent")]
public sealed record AuditEvent(
    [property: Id(0)] long Id,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Actor,
    [property: Id(3)] string Action,
    [property: Id(4)] string Target,
    [property: Id(5)] string? SourceIp,
    [property: Id(6)] Dictionary<string, string>? Details);

/// <summary>A page of audit events, newest first; <see cref="Next"/> is the <c>before</c> cursor of the next page.</summary>
[GenerateSerializer, Immutable, Alias("kg.AuditPage")]
public sealed record AuditPage(
    [property: Id(0)] AuditEvent[] Items,
    [property: Id(1)] long? Next);

public static class AuditActions
{
    public const string OrgCreated = "org.created";
    public const string OrgUpdated = "org.updated";
    public const string RoleUpserted = "role.upserted";
    public const string RoleDeleted = "role.deleted";
    public const string KeyCreated = "key.created";
    public const string KeyUpdated = "key.updated";
    public const string KeyRotated = "key.rotated";
    public const string KeyRevoked = "key.revoked";
    public const string KeyDeleted = "key.deleted";
    public const string KeyPurged = "key.purged";
    public const string AuthRefused = "auth.refused";
}
