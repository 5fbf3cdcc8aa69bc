using KeyGrains.Keys;

namespace KeyGrains.Organizations.KeyChanges;

/// <summary>A new key. Undone after a crash: its caller never received the secret.</summary>
[GenerateSerializer, Immutable, Alias("kg.KeyCreated")]
public sealed record KeyCreated([property: Id(0)] string KeyId) : KeyChange
{
    public static KeyCreated By(Caller caller, KeyRecord created) =>
        new(created.Id) { Audit = new(caller, AuditActions.KeyCreated, "key:" + created.Id, new() { ["name"] = created.Name, ["roles"] = string.Join(',', created.Roles) }) };

    internal override IReadOnlyList<string> KeyIds => [KeyId];

    internal override bool RecoversForwards => false;

    internal override bool MayBeHeld => false;

    internal override void Recover(OrganizationState state) => state.RemoveKey(KeyId);
}
