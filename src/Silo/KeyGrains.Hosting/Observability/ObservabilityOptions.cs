using System.Net;

namespace KeyGrains.Hosting.Observability;

/// <summary>
/// <c>Observability</c>: who may read <c>/metrics</c> and <c>/dashboard</c>, and which exporters run.
/// OTLP needs no setting here: it runs when the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public sealed class ObservabilityOptions
{
    public const string Section = "Observability";

    /// <summary>Peers (addresses or CIDR blocks) that may scrape <c>/metrics</c> without the operator token. Empty: loopback only.</summary>
    public string[] MetricsNetworks { get; set; } = [];

    /// <summary>Peers that may open the Orleans dashboard at <c>/dashboard</c> (web API only). Empty: loopback only.</summary>
    public string[] DashboardNetworks { get; set; } = [];

    /// <summary>Serve the Prometheus text format at <c>/metrics</c>.</summary>
    public bool Prometheus { get; set; } = true;

    /// <summary>Serve the Orleans dashboard at <c>/dashboard</c>, and collect its grain statistics on every silo.</summary>
    public bool Dashboard { get; set; } = true;

    /// <summary>
    /// Headless silo only: the port of its own small HTTP listener for <c>/health/live</c>,
    /// <c>/health/ready</c> and <c>/metrics</c> (Kubernetes probes, Prometheus). 0: none.
    /// </summary>
    public int HttpPort { get; set; }

    /// <summary>The networks a setting names, or loopback when it names none.</summary>
    public static IPNetwork[] NetworksOrLoopback(string[] rules) => rules.Length == 0
        ? [new IPNetwork(IPAddress.Loopback, 8), new IPNetwork(IPAddress.IPv6Loopback, 128)]
        : [.. rules.Select(r => Validation.TryParseIpRule(r, out var n) ? n : throw new InvalidOperationException(Rules.IpRuleProblem(r)))];
}
