namespace KeyGrains.Organizations.KeyChanges;

/// <summary>
/// A custom role created, replaced or deleted, and the keys holding it given the permissions that
/// follow. Finished after a crash: the role itself is already written, and keys must agree with it.
/// </summary>
[GenerateSerializer, Immutable, Alias("kg.RoleChanged")]
public sealed record RoleChanged([property: Id(0)] string[] HeldBy) : KeyChange
{
    public static RoleChanged Upserted(Caller caller, RoleRecord role, string[] heldBy) =>
        new(heldBy) { Audit = new(caller, AuditActions.RoleUpserted, "role:" + role.Name, new() { ["permissions"] = string.Join(',', role.Permissions) }) };

    public static RoleChanged Deleted(Caller caller, string role, string[] heldBy) =>
        new(heldBy) { Audit = new(caller, AuditActions.RoleDeleted, "role:" + role) };

    internal override IReadOnlyList<string> KeyIds => HeldBy;

    internal override bool RecoversForwards => true;
}
