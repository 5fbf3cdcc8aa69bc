using KeyGrains.Hosting.Observability;
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
        var node = client.Services.ReadValidatedOptions<KeyGrainsSiloOptions, KeyGrainsSiloOptionsValidator>(configuration);
        var orleans = node.Orleans;
        if (node.Clustering.Provider == ClusteringProvider.Localhost)
        {
            client.UseLocalhostClustering(orleans.GatewayPort, orleans.ServiceId, orleans.ClusterId);
        }
        else
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (orleans.ClusterId, orleans.ServiceId));
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = KeyGrainsSiloExtensions.PostgresInvariant;
                o.ConnectionString = node.ConnectionStrings.Postgres;
            });
        }

        return client.UseKeyGrainsTls(orleans.Tls).AddKeyGrainsClientTuning(configuration).AddKeyGrainsObservability(configuration);
    }
}
