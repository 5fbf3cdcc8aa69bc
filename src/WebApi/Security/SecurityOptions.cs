using System.Net;

namespace KeyGrains.WebApi.Security;

/// <summary>The <c>Security</c> settings: throttling, trusted proxies and CORS.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>
    /// Addresses or CIDR blocks of reverse proxies whose <c>X-Forwarded-For</c> is believed. Empty
    /// (the default): the header is ignored and the TCP peer is the client.
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];

    public ThrottlingOptions Throttling { get; set; } = new();

    public CorsSettings Cors { get; set; } = new();

    public RefusalAuditOptions RefusalAudit { get; set; } = new();

    public static IPNetwork[] Networks(IEnumerable<string> rules) =>
        [.. rules.Select(r => Validation.TryParseIpRule(r, out var n) ? n : throw new InvalidOperationException(Rules.IpRuleProblem(r)))];
}

/// <summary>
/// <c>Security:Throttling</c>: failures counted per source. The source of a verification is the end
/// client its caller reports (<c>ip</c>); of an admin call, the TCP peer or the trusted proxy's client.
/// </summary>
public sealed class ThrottlingOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Failed verifications and refused admin calls one source may make per window.</summary>
    public int FailureLimit { get; set; } = 20;

    public int WindowSeconds { get; set; } = 60;

    /// <summary>Sources never throttled: say, the platform's own monitoring that probes with known-bad keys.</summary>
    public string[] ExemptNetworks { get; set; } = [];

    /// <summary>Sources tracked at once; past it, new sources go uncounted until ended windows are swept.</summary>
    public int MaxSources { get; set; } = 100_000;
}

/// <summary><c>Security:Cors</c>: cross-origin calls are refused by browsers unless an origin is listed.</summary>
public sealed class CorsSettings
{
    public string[] AllowedOrigins { get; set; } = [];
}

/// <summary>
/// <c>Security:RefusalAudit</c>: refused admin calls reach the audit log aggregated, one event per
/// organization and source per period.
/// </summary>
public sealed class RefusalAuditOptions
{
    public TimeSpan Period { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Organization and source pairs counted at once; past it, refusals are counted in a log line only.</summary>
    public int MaxEntries { get; set; } = 10_000;
}
