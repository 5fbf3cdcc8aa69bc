using Microsoft.Extensions.Configuration;
using Orleans.Configuration;
using Orleans.Hosting;

namespace KeyGrains.Hosting;

public static class KeyGrainsClientExtensions
{
    /// <summary>
    /// An Orleans client of a KeyGrains cluster, from the same settings as the silos: the localhost
    /// gateway, or the gateways listed in the PostgreSQL membership table.
    /// </summary>
    public static IClientBuilder AddKeyGrainsClient(this IClientBuilder client, IConfiguration configuration)
    {
        var settings = KeyGrainsSiloSettings.From(configuration);
        if (settings.Clustering == ClusteringProvider.Localhost)
        {
            client.UseLocalhostClustering(settings.GatewayPort, settings.ServiceId, settings.ClusterId);
        }
        else
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (settings.ClusterId, settings.ServiceId));
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = KeyGrainsSiloExtensions.PostgresInvariant;
                o.ConnectionString = settings.PostgresConnectionString;
            });
        }

        return client.AddKeyGrainsClientTuning(configuration);
    }
}
