using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KeyGrains;

/// <summary>The <c>Authority</c> settings the grains enforce.</summary>
public sealed class AuthorityOptions
{
    public const string Section = "Authority";

    /// <summary>Active keys per organization when none is given at creation.</summary>
    public int DefaultKeyLimit { get; set; } = 10;
}

public static class AuthorityServiceCollectionExtensions
{
    /// <summary>The domain's settings and clock, for the grains of a silo.</summary>
    public static IServiceCollection AddKeyGrainsRules(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthorityOptions>()
            .Bind(configuration.GetSection(AuthorityOptions.Section))
            .Validate(o => o.DefaultKeyLimit is >= Validation.MinKeyLimit and <= Validation.MaxKeyLimit,
                "Authority:DefaultKeyLimit must be between 1 and 1000.")
            .ValidateOnStart();
        services.TryAddSingleton(new AuthorityClock(TimeProvider.System));
        return services;
    }
}

/// <summary>
/// The time the domain rules see (expiry, grace periods, audit). Its own type, so tests can move it
/// without moving the clock Orleans itself runs on.
/// </summary>
public sealed class AuthorityClock(TimeProvider time)
{
    public DateTimeOffset Now => time.GetUtcNow();
}
