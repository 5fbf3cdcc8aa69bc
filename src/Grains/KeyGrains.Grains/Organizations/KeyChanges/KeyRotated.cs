using System.Globalization;
using KeyGrains.Keys;

namespace KeyGrains.Organizations.KeyChanges;

/// <summary>A new secret for a key. Undone after a crash: its caller never received the secret.</summary>
[GenerateSerializer, Immutable, Alias("kg.KeyRotated")]
public sealed record KeyRotated([property: Id(0)] string KeyId, [property: Id(1)] KeyRecord Previous) : KeyChange
{
    public static KeyRotated By(Caller caller, KeyRecord previous, int gracePeriodSeconds) =>
        new(previous.Id, previous) { Audit = new(caller, AuditActions.KeyRotated, "key:" + previous.Id, new() { ["gracePeriodSeconds"] = gracePeriodSeconds.ToString(CultureInfo.InvariantCulture) }) };

    internal override IReadOnlyList<string> KeyIds => [KeyId];

    internal override bool RecoversForwards => false;

    internal override void Recover(OrganizationState state) => Restore(state, KeyId, Previous);
}
