using KeyGrains.Keys;

namespace KeyGrains.Organizations.KeyChanges;

/// <summary>
/// How state written before <see cref="KeyChange"/> marked a key whose grain might not have been
/// told of a change. Still read, so that such state is recovered as it would have been; never written.
/// The aliases are the ones that state was stored under.
/// </summary>
[GenerateSerializer, Immutable, Alias("kg.PendingKeyChange")]
public sealed record LegacyPendingKeyChange(
    [property: Id(0)] string KeyId,
    [property: Id(1)] LegacyRecovery Recovery,
    [property: Id(2)] KeyRecord? Previous = null)
{
    /// <summary>The change that recovers this key as the old mark said, without an audit: recovery audits nothing.</summary>
    public KeyChange ToKeyChange() => Recovery switch
    {
        LegacyRecovery.Discard => new KeyCreated(KeyId),
        // Updates and rotations were undone alike; the mark does not say which it was.
        LegacyRecovery.RestorePrevious when Previous is { } previous => new KeyUpdated(KeyId, previous),
        _ => new KeysRecovered([KeyId]),
    };
}

[GenerateSerializer, Alias("kg.Recovery")]
public enum LegacyRecovery
{
    PushCurrent = 0,
    RestorePrevious = 1,
    Discard = 2,
    Remove = 3,
}
