using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KeyGrains.WebApi.Hosting;

/// <summary><c>/health/live</c>: the process is up. <c>/health/ready</c>: the cluster and its storage answer in time.</summary>
public static class Health
{
    private const string Ready = "ready";

    public static IServiceCollection AddKeyGrainsHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<ClusterCheck>("cluster", tags: [Ready]);
        return services;
    }

    public static IEndpointRouteBuilder MapKeyGrainsHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false })
            .WithTags("Health").WithSummary("200 while the process is up");
        routes.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready) })
            .WithTags("Health").WithSummary("200 when the cluster and its storage answer, else 503");
        return routes;
    }

    /// <summary>The storage probe grain reads from storage on every call: cluster and storage, now.</summary>
    private sealed class ClusterCheck(IGrainFactory grains) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await grains.GetGrain<IStorageProbeGrain>(0).Probe().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy("The cluster or its storage did not answer: " + e.GetType().Name);
            }
        }
    }
}
