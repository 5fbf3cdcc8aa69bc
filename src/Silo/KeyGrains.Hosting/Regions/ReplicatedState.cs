namespace KeyGrains.Hosting.Regions;

/// <summary>
/// The grain states the primary region publishes and every replica region subscribes to, by the
/// state name the grain storage records in <c>orleans_grain_state.grain_type</c>. Everything else
/// (the replica registry, the storage probe) is region-local. deploy/regions/primary.sql filters the
/// publication with this same list.
/// </summary>
public static class ReplicatedState
{
    public const string Organization = "org";
    public const string Key = "key";

    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
    {
        Organization, Key, "audit", "operator",
    };
}
