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

    /// <summary>How often a silo tells organizations when their keys were last used.</summary>
    public TimeSpan LastUseReportPeriod { get; set; } = TimeSpan.FromMinutes(1);
}

public static class AuthorityServiceCollectionExtensions
{
    /// <summary>The domain's settings, clock, active-key cache and last-use reporting, for a silo.</summary>
    public static IServiceCollection AddKeyGrainsDomain(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthorityOptions>()
            .Bind(configuration.GetSection(AuthorityOptions.Section))
            .Validate(o => o.DefaultKeyLimit is >= Validation.MinKeyLimit and <= Validation.MaxKeyLimit,
                "Authority:DefaultKeyLimit must be between 1 and 1000.")
            .Validate(o => o.LastUseReportPeriod > TimeSpan.Zero, "Authority:LastUseReportPeriod must be positive.")
            .ValidateOnStart();
        services.TryAddSingleton(new AuthorityClock(TimeProvider.System));
        services.TryAddSingleton<Keys.ActiveKeys>();
        services.AddSingleton<Keys.INodeKeyCache>(sp => sp.GetRequiredService<Keys.ActiveKeys>());
        services.AddHostedService<Keys.LastUseReporter>();
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
