using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace KeyGrains.Hosting;

public static class AdvertisedAddress
{
    /// <summary>
    /// Publishes <see cref="OrleansNodeOptions.AdvertisedIPAddress"/> when it is set; after
    /// <see cref="KeyGrainsSiloExtensions.AddKeyGrains"/>, which reads and checks it.
    /// </summary>
    public static ISiloBuilder UseConfiguredAdvertisedAddress(this ISiloBuilder silo)
    {
        silo.Services.AddOptions<EndpointOptions>().Configure<IOptions<KeyGrainsSiloOptions>>((o, node) =>
        {
            if (node.Value.Orleans.AdvertisedAddress() is { } address)
            {
                o.AdvertisedIPAddress = address;
            }
        });
        return silo;
    }
}
