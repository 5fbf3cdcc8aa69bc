namespace KeyGrains.Organizations.KeyChanges;

/// <summary>A key forgotten everywhere. Finished after a crash: a deleted key must not verify again.</summary>
[GenerateSerializer, Immutable, Alias("kg.KeyDeleted")]
public sealed record KeyDeleted([property: Id(0)] string KeyId) : KeyChange
{
    public static KeyDeleted By(Caller caller, string keyId) =>
        new(keyId) { Audit = new(caller, AuditActions.KeyDeleted, "key:" + keyId) };

    internal override IReadOnlyList<string> KeyIds => [KeyId];

    internal override bool RecoversForwards => true;
}
