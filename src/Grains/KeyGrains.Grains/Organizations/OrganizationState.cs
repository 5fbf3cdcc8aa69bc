using KeyGrains.Keys;
using KeyGrains.Organizations.KeyChanges;

namespace KeyGrains.Organizations;

[GenerateSerializer, Alias("kg.OrganizationState")]
public sealed class OrganizationState
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public string Name { get; set; } = "";
    [Id(2)] public Plan Plan { get; set; }
    [Id(3)] public int KeyLimit { get; set; }
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Custom roles by name; the built-in ones are not stored.</summary>
    [Id(5)] public Dictionary<string, RoleRecord> Roles { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Every key that is not deleted, by id: lists and counts need no fan-out.</summary>
    [Id(6)] public Dictionary<string, KeyRecord> Keys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Unfinished changes as state stored before <see cref="KeyChange"/> held them. Nothing adds to
    /// it any more; recovery moves what it holds into <see cref="Unfinished"/>. The id stays theirs.
    /// </summary>
    [Id(7)] public List<LegacyPendingKeyChange> LegacyPending { get; set; } = [];

    /// <summary>The id of the newest audit event.</summary>
    [Id(8)] public long AuditCount { get; set; }

    /// <summary>Audit events written with the change they record, not yet confirmed by the log.</summary>
    [Id(9)] public List<AuditEvent> AuditOutbox { get; set; } = [];

    /// <summary>The last version handed to a key record; every change to a key takes the next.</summary>
    [Id(10)] public long KeyVersion { get; set; }

    /// <summary>
    /// Changes whose key grains may not yet hold what this state says, written before they are
    /// told, so a crash in between is finished (or undone) on the next call or activation.
    /// </summary>
    [Id(11)] public List<KeyChange> Unfinished { get; set; } = [];

    /// <summary>
    /// Last use as state stored before <see cref="LastUseState"/> held it (and a record's own
    /// <see cref="KeyRecord.LastUsedAt"/> before that). Nothing adds to it any more; the latest of the
    /// three times is shown.
    /// </summary>
    [Id(12)] public Dictionary<string, DateTimeOffset> LastUsed { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Sealed first answers of idempotent creations and rotations, oldest first; at most a day old.
    /// The id leaves room below it, so other members added meanwhile do not take the same one.
    /// </summary>
    [Id(20)] public List<StoredAnswer> Answers { get; set; } = [];

    /// <summary>The last use this state holds for <paramref name="record"/>, if any.</summary>
    public DateTimeOffset? StoredLastUsedOf(KeyRecord record) =>
        LastUsed.TryGetValue(record.Id, out var at) && !(record.LastUsedAt >= at) ? at : record.LastUsedAt;

    public void RemoveKey(string keyId)
    {
        Keys.Remove(keyId);
        LastUsed.Remove(keyId);
    }
}

[GenerateSerializer, Immutable, Alias("kg.RoleRecord")]
public sealed record RoleRecord(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Description,
    [property: Id(2)] string[] Permissions);
