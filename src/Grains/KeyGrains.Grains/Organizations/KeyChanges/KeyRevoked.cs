namespace KeyGrains.Organizations.KeyChanges;

/// <summary>A key that no longer verifies. Finished after a crash: a revocation must not be lost.</summary>
[GenerateSerializer, Immutable, Alias("kg.KeyRevoked")]
public sealed record KeyRevoked([property: Id(0)] string KeyId) : KeyChange
{
    public static KeyRevoked By(Caller caller, string keyId) =>
        new(keyId) { Audit = new(caller, AuditActions.KeyRevoked, "key:" + keyId) };

    internal override IReadOnlyList<string> KeyIds => [KeyId];

    internal override bool RecoversForwards => true;
}
