using KeyGrains.Keys;

namespace KeyGrains.Organizations.KeyChanges;

/// <summary>Changed settings of a key. Undone after a crash: its caller saw the update fail.</summary>
[GenerateSerializer, Immutable, Alias("kg.KeyUpdated")]
public sealed record KeyUpdated([property: Id(0)] string KeyId, [property: Id(1)] KeyRecord Previous) : KeyChange
{
    public static KeyUpdated By(Caller caller, KeyRecord previous, IEnumerable<string> fields) =>
        new(previous.Id, previous) { Audit = new(caller, AuditActions.KeyUpdated, "key:" + previous.Id, new() { ["fields"] = string.Join(',', fields) }) };

    internal override IReadOnlyList<string> KeyIds => [KeyId];

    internal override bool RecoversForwards => false;

    internal override void Recover(OrganizationState state) => Restore(state, KeyId, Previous);
}
