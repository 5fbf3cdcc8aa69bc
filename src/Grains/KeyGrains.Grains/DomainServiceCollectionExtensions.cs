using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using KeyGrains.Keys;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KeyGrains;

public static class DomainServiceCollectionExtensions
{
    /// <summary>The domain's settings, clock, active-key cache and last-use reporting, for a silo.</summary>
    public static IServiceCollection AddKeyGrainsDomain(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<AuthorityOptions, AuthorityOptionsValidator>(configuration.GetSection(AuthorityOptions.Section));
        services.TryAddSingleton(new AuthorityClock(TimeProvider.System));
        services.AddKeyTags(configuration);
        services.TryAddSingleton<Keys.ActiveKeys>();
        services.AddSingleton<Keys.INodeKeyCache>(sp => sp.GetRequiredService<Keys.ActiveKeys>());
        services.AddHostedService<Keys.LastUseReporter>();
        return services;
    }
}
