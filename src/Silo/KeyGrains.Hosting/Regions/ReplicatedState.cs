namespace KeyGrains.Hosting.Regions;

/// <summary>
/// The grain states the primary region publishes and every replica region subscribes to, by the
/// state name the grain storage records in <c>orleans_grain_state.grain_type</c>. Everything else
/// (the replica registry, the storage probe) is region-local. deploy/regions/publisher.sql filters the
/// publication with this same list.
/// </summary>
public static class ReplicatedState
{
    public const string Organization = "org";
    public const string Key = "key";

    /// <summary>An organization's last use of its keys (<c>LastUseState</c>), saved apart from the organization.</summary>
    public const string LastUse = KeyGrains.Organizations.LastUseState.Name;

    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
    {
        Organization, Key, LastUse, "audit", "operator",
    };
}
