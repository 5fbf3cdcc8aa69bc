using System.Globalization;
using KeyGrains.Keys;

namespace KeyGrains.Organizations.KeyChanges;

/// <summary>
/// Revoked or expired keys forgotten to make room for a new one at the organization's record
/// bound. Finished after a crash, like a deletion: a purged key must not verify again, whatever
/// becomes of the creation it made room for.
/// </summary>
[GenerateSerializer, Immutable, Alias("kg.KeyPurged")]
public sealed record KeyPurged([property: Id(0)] string[] Ids) : KeyChange
{
    public static KeyPurged By(Caller caller, IReadOnlyList<KeyRecord> purged) =>
        new([.. purged.Select(r => r.Id)]) { Entries = [.. purged.Select(r => AuditOf(caller, r))] };

    /// <summary>Not stored, like <see cref="KeyChange.Audit"/>: one event per purged key.</summary>
    [field: NonSerialized]
    internal AuditEntry[] Entries { get; init; } = [];

    internal override IReadOnlyList<string> KeyIds => Ids;

    internal override bool RecoversForwards => true;

    internal override IEnumerable<AuditEntry> Audits => Entries;

    private static AuditEntry AuditOf(Caller caller, KeyRecord record)
    {
        var (at, reason) = RecordBound.Ended(record);
        return new(caller, AuditActions.KeyPurged, "key:" + record.Id, new() { ["reason"] = reason, ["endedAt"] = at.ToString("O", CultureInfo.InvariantCulture) });
    }
}
