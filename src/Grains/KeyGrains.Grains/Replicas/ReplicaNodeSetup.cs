using KeyGrains.Keys;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KeyGrains.Replicas;

public static class ReplicaNodeSetup
{
    /// <summary>
    /// Makes this process a node that verifies from its own copies of keys, under a lease it keeps,
    /// and reports the keys' last use to their organizations. For any process that serves
    /// verification: a co-hosted web API or one in Client mode.
    /// </summary>
    public static IServiceCollection AddReplicaNode(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddReplicaSettings(configuration);
        services.AddValidatedOptions<AuthorityOptions, AuthorityOptionsValidator>(configuration.GetSection(AuthorityOptions.Section));
        services.TryAddSingleton<NodeReplicas>();
        services.AddHostedService<ReplicaLeaseKeeper>();
        services.TryAddSingleton<ILastUseSink, OrganizationLastUse>();
        services.AddHostedService<LastUseReporter>();
        return services;
    }

    /// <summary>The <c>Replicas</c> settings and the clocks the lease protocol counts on, for silos and nodes alike.</summary>
    internal static IServiceCollection AddReplicaSettings(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ReplicaOptions, ReplicaOptionsValidator>(configuration.GetSection(ReplicaOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new AuthorityClock(sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
