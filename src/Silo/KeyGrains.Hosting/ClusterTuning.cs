using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;

namespace KeyGrains.Hosting;

/// <summary>Hands <see cref="ClusterTuningOptions"/> to the Orleans options they tune.</summary>
public static class ClusterTuning
{
    /// <summary>Membership, messaging and grain collection figures for a silo.</summary>
    public static ISiloBuilder AddKeyGrainsMembershipTuning(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.AddKeyGrainsTuning(configuration);
        silo.Services.AddOptions<ClusterMembershipOptions>().Configure<IOptions<ClusterTuningOptions>>((o, tuning) =>
        {
            var t = tuning.Value;
            o.ProbeTimeout = t.ProbeTimeout;
            o.MinProbeTimeout = t.MinProbeTimeout;
            o.NumMissedProbesLimit = t.NumMissedProbesLimit;
            o.IAmAliveTablePublishTimeout = t.IAmAliveTablePublishTimeout;
            o.TableRefreshTimeout = t.TableRefreshTimeout;
            o.EnableConnectionLivenessCheck = t.EnableConnectionLivenessCheck;
        });
        silo.Services.AddOptions<SiloMessagingOptions>().Configure<IOptions<ClusterTuningOptions>>((o, t) => o.ResponseTimeout = t.Value.ResponseTimeout);
        silo.Services.AddOptions<GrainCollectionOptions>().Configure<IOptions<ClusterTuningOptions>>((o, t) =>
        {
            if (t.Value.CollectionAge is { } age)
            {
                o.CollectionAge = age;
            }

            if (t.Value.KeyCollectionAge is { } keyAge)
            {
                o.ClassSpecificCollectionAge[typeof(Keys.ApiKeyGrain).FullName!] = keyAge;
            }

            // Orleans wants the collection sweep more frequent than any age it enforces.
            var shortest = o.ClassSpecificCollectionAge.Values.Aggregate(o.CollectionAge, (a, b) => a < b ? a : b);
            o.CollectionQuantum = shortest / 2 < o.CollectionQuantum ? shortest / 2 : o.CollectionQuantum;
        });
        return silo;
    }

    /// <summary>The client half: response timeout and how often the gateway list is refreshed.</summary>
    public static IClientBuilder AddKeyGrainsClientTuning(this IClientBuilder client, IConfiguration configuration)
    {
        client.Services.AddKeyGrainsTuning(configuration);
        client.Services.AddOptions<ClientMessagingOptions>().Configure<IOptions<ClusterTuningOptions>>((o, t) => o.ResponseTimeout = t.Value.ResponseTimeout);
        client.Services.AddOptions<GatewayOptions>().Configure<IOptions<ClusterTuningOptions>>((o, t) => o.GatewayListRefreshPeriod = t.Value.GatewayListRefreshPeriod);
        return client;
    }

    /// <summary>Registered on every node, tuned or not, so a mistyped figure stops the start either way.</summary>
    public static IServiceCollection AddKeyGrainsTuning(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ClusterTuningOptions, ClusterTuningOptionsValidator>(configuration.GetSection(ClusterTuningOptions.SectionName));
        return services;
    }
}
