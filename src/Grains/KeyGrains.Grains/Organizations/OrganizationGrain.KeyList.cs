using KeyGrains.Keys;

namespace KeyGrains.Organizations;

public sealed partial class OrganizationGrain
{
    public async Task<KeyPage> ListKeys(KeyQuery query)
    {
        await EnsureReadyAsync();
        if (query.Limit is < 1 or > 1000)
        {
            throw DomainException.Invalid("limit", "The limit must be between 1 and 1000.");
        }

        var after = query.Cursor is null ? default(Position?) : Position.Parse(query.Cursor);
        var now = Now;
        var matches = new List<KeyRecord>();
        foreach (var record in State.Keys.Values)
        {
            if (Matches(record, query, now) && (after is not { } a || Position.Of(record).CompareTo(a) > 0))
            {
                matches.Add(record);
            }
        }

        matches.Sort(static (x, y) => Position.Of(x).CompareTo(Position.Of(y)));
        var count = Math.Min(query.Limit, matches.Count);
        var items = new KeyInfo[count];
        for (var i = 0; i < count; i++)
        {
            items[i] = InfoOf(matches[i], now);
        }

        var next = matches.Count > count ? Position.Of(matches[count - 1]).ToString() : null;
        return new KeyPage(items, next);
    }

    private static bool Matches(KeyRecord record, KeyQuery query, DateTimeOffset now)
    {
        var status = record.StatusAt(now);
        var statusMatches = query.Status switch
        {
            KeyStatusFilter.Active => status == KeyStatus.Active,
            KeyStatusFilter.Revoked => status == KeyStatus.Revoked,
            KeyStatusFilter.Expired => status == KeyStatus.Expired,
            _ => true,
        };
        return statusMatches
            && (string.IsNullOrEmpty(query.Search)
                || record.Name.Contains(query.Search, StringComparison.OrdinalIgnoreCase)
                || record.Description?.Contains(query.Search, StringComparison.OrdinalIgnoreCase) == true);
    }

    /// <summary>Where a key stands in a list: newest first, then by id; also the page cursor.</summary>
    private readonly record struct Position(long Ticks, string Id) : IComparable<Position>
    {
        public static Position Of(KeyRecord record) => new(record.CreatedAt.UtcTicks, record.Id);

        public static Position Parse(string cursor)
        {
            var dot = cursor.IndexOf('.');
            return dot > 0
                && long.TryParse(cursor.AsSpan(0, dot), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ticks)
                && ApiKeyFormat.IsValidId(cursor.AsSpan(dot + 1))
                ? new Position(ticks, cursor[(dot + 1)..])
                : throw DomainException.Invalid("cursor", "The cursor is not valid.");
        }

        public int CompareTo(Position other)
        {
            var byTime = other.Ticks.CompareTo(Ticks);
            return byTime != 0 ? byTime : string.CompareOrdinal(other.Id, Id);
        }

        public override string ToString() => Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture) + "." + Id;
    }
}
