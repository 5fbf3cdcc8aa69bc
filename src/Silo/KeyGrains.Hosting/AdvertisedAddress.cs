using System.Net;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;

namespace KeyGrains.Hosting;

public static class AdvertisedAddress
{
    public const string Key = "Orleans:AdvertisedIPAddress";

    /// <summary>
    /// <c>Orleans:AdvertisedIPAddress</c>: the address this silo publishes in the membership table
    /// and listens on. Without it Orleans picks the host's first non-loopback address, which is
    /// right for a real network; a cluster on one machine (deploy/cluster.sh, the tests) sets
    /// 127.0.0.1 so its traffic never leaves loopback.
    /// </summary>
    public static ISiloBuilder UseConfiguredAdvertisedAddress(this ISiloBuilder silo, IConfiguration configuration)
    {
        var raw = configuration[Key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return silo;
        }

        if (!IPAddress.TryParse(raw.Trim(), out var address))
        {
            throw new InvalidOperationException($"KeyGrains cannot start: {Key} is '{raw}' but must be an IP address.");
        }

        return silo.Configure<EndpointOptions>(o => o.AdvertisedIPAddress = address);
    }
}
