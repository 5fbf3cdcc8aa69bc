using KeyGrains.Keys;

namespace KeyGrains.Organizations;

/// <summary>
/// How many key records an organization keeps (active, revoked and expired together), and which
/// make room for a new key: without a bound, revoked and expired records would pile up forever in
/// a state that is rewritten whole on every change.
/// </summary>
internal static class RecordBound
{
    public const int MinRecords = 100;

    public const int RecordsPerAllowedKey = 10;

    public static int For(int keyLimit) => Math.Max(MinRecords, RecordsPerAllowedKey * keyLimit);

    /// <summary>
    /// The records to purge before one more key fits within <paramref name="bound"/>: the revoked or
    /// expired ones that stopped working longest ago (then the oldest created, then by id), none
    /// when there is room, and null when too few can go.
    /// </summary>
    public static KeyRecord[]? ToPurge(IReadOnlyCollection<KeyRecord> records, int bound, DateTimeOffset now)
    {
        var excess = records.Count + 1 - bound;
        if (excess <= 0)
        {
            return [];
        }

        var purgeable = records
            .Where(r => r.StatusAt(now) != KeyStatus.Active)
            .OrderBy(r => Ended(r).At)
            .ThenBy(r => r.CreatedAt)
            .ThenBy(r => r.Id, StringComparer.Ordinal)
            .Take(excess)
            .ToArray();
        return purgeable.Length == excess ? purgeable : null;
    }

    /// <summary>
    /// When and why a key that is no longer active stopped working: a key that expired and was
    /// revoked later ended at its expiry.
    /// </summary>
    public static (DateTimeOffset At, string Reason) Ended(KeyRecord record) =>
        record.ExpiresAt is { } expiresAt && (record.RevokedAt is not { } revokedAt || expiresAt < revokedAt)
            ? (expiresAt, "expired")
            : (record.RevokedAt ?? DateTimeOffset.MaxValue, "revoked");
}
