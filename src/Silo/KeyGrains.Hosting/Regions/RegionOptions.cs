using System.ComponentModel;

namespace KeyGrains.Hosting.Regions;

/// <summary><c>Regions:StalePolicy</c>: what a replica region does once its copy is older than <c>Regions:MaxStaleness</c>.</summary>
[TypeConverter(typeof(SettingNameConverter<StalePolicy>))]
public enum StalePolicy { FailClosed, Serve }

/// <summary>
/// <c>Regions</c>: which region this process belongs to and which one writes. A region whose
/// <see cref="Primary"/> is another region's name is a replica: it answers reads and verification
/// from its replicated copy and forwards admin writes to <see cref="PrimaryUrl"/>.
/// </summary>
public sealed class RegionOptions
{
    public const string Section = "Regions";

    public string Name { get; set; } = "local";

    /// <summary>The primary region's name; empty means this region.</summary>
    public string? Primary { get; set; }

    public Uri? PrimaryUrl { get; set; }

    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromSeconds(30);

    public StalePolicy StalePolicy { get; set; } = StalePolicy.FailClosed;

    public bool IsReplica => !string.IsNullOrEmpty(Primary) && !string.Equals(Primary, Name, StringComparison.Ordinal);

    public string PrimaryName => IsReplica ? Primary! : Name;
}
