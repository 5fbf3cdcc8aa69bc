using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using KeyGrains.Keys;
using KeyGrains.Replicas;

namespace KeyGrains;

public static class DomainServiceCollectionExtensions
{
    /// <summary>The domain's settings, clocks and key tags, for a silo.</summary>
    public static IServiceCollection AddKeyGrainsDomain(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<AuthorityOptions, AuthorityOptionsValidator>(configuration.GetSection(AuthorityOptions.Section));
        services.AddReplicaSettings(configuration);
        services.AddKeyTags(configuration);
        return services;
    }
}
