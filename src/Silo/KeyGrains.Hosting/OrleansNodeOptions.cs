using System.Net;

namespace KeyGrains.Hosting;

/// <summary><c>Orleans</c>: the cluster this node belongs to and where it listens.</summary>
public sealed class OrleansNodeOptions
{
    public string ClusterId { get; set; } = "keygrains";

    public string ServiceId { get; set; } = "keygrains";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary><c>Orleans:Tls</c>: mutual TLS between silos and from clients to gateways.</summary>
    public NodeTlsOptions Tls { get; set; } = new();

    /// <summary>
    /// The address a silo publishes in the membership table and listens on. Unset, Orleans picks the
    /// host's first non-loopback address, which is right for a real network; a cluster on one
    /// machine (deploy/cluster.sh, the tests) sets 127.0.0.1 so its traffic never leaves loopback.
    /// </summary>
    public string? AdvertisedIPAddress { get; set; }

    /// <summary>The parsed <see cref="AdvertisedIPAddress"/>; null when unset or not an address.</summary>
    public IPAddress? AdvertisedAddress() =>
        Validation.TryParseAddress(AdvertisedIPAddress?.Trim(), out var address) ? address : null;
}
