using KeyGrains.Hosting.Regions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace KeyGrains.WebApi.Regions;

/// <summary>The web API's part of a region: settings, the replication state, forwarding, the gate, readiness.</summary>
public static class RegionsSetup
{
    public static WebApplicationBuilder AddKeyGrainsRegions(this WebApplicationBuilder builder)
    {
        var region = builder.Services.AddKeyGrainsRegion(builder.Configuration);
        builder.Services.AddSingleton<ReplicationLag>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReplicationLag>());
        builder.Services.AddHttpClient<PrimaryForwarder>(PrimaryForwarder.Client, c =>
        {
            c.BaseAddress = region.PrimaryUrl;
            c.Timeout = TimeSpan.FromSeconds(10);
        });
        builder.Services.AddHealthChecks().AddCheck<StalenessCheck>("region", tags: ["ready"]);
        if (region.IsReplica)
        {
            // Its organizations are read-only: the keys' last use goes to the primary's.
            builder.Services.Replace(ServiceDescriptor.Singleton<KeyGrains.Keys.ILastUseSink, PrimaryLastUse>());
        }

        return builder;
    }

    public static WebApplication UseKeyGrainsRegions(this WebApplication app)
    {
        app.UseMiddleware<RegionGate>();
        return app;
    }

    private sealed class StalenessCheck(ReplicationLag replication, IOptions<RegionOptions> options) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(replication.Stale
                ? HealthCheckResult.Unhealthy($"This replica's copy is older than Regions:MaxStaleness ({options.Value.MaxStaleness}).")
                : HealthCheckResult.Healthy());
    }
}
