namespace KeyGrains;

/// <summary>The <c>Authority</c> settings the grains enforce.</summary>
public sealed class AuthorityOptions
{
    public const string Section = "Authority";

    /// <summary>Active keys per organization when none is given at creation.</summary>
    public int DefaultKeyLimit { get; set; } = 10;

    /// <summary>How often a silo tells organizations when their keys were last used.</summary>
    public TimeSpan LastUseReportPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
