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

    public static IPNetwork[] Networks(IEnumerable<string> rules) =>
        [.. rules.Select(r => Validation.TryParseIpRule(r, out var n) ? n : throw new InvalidOperationException($"'{r}' is not an IP address or CIDR block."))];
}

/// <summary><c>Security:Throttling</c>: failures counted per source address.</summary>
public sealed class ThrottlingOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Failed verifications and failed admin authentications one address may make per window.</summary>
    public int FailureLimit { get; set; } = 20;

    public int WindowSeconds { get; set; } = 60;

    /// <summary>Addresses never throttled: say, the platform's own gateways that verify on behalf of their users.</summary>
    public string[] ExemptNetworks { get; set; } = [];
}

/// <summary><c>Security:Cors</c>: cross-origin calls are refused by browsers unless an origin is listed.</summary>
public sealed class CorsSettings
{
    public string[] AllowedOrigins { get; set; } = [];
}
