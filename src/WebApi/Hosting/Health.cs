using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace KeyGrains.WebApi.Hosting;

/// <summary><c>/health/live</c>: the process is up. <c>/health/ready</c>: the cluster and its storage answer in time.</summary>
public static class Health
{
    private const string Ready = "ready";

    public static IServiceCollection AddKeyGrainsHealth(this IServiceCollection services)
    {
        // One instance, so its last probe result is shared by every check.
        services.AddSingleton<ClusterCheck>();
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

    /// <summary>
    /// The storage probe grain reads from storage: cluster and storage, now. At most one probe runs
    /// at a time per node and its result answers every check for a second, so a flood of readiness
    /// requests costs the cluster one read a second and cannot make a healthy node look unready.
    /// </summary>
    private sealed class ClusterCheck(IGrainFactory grains, TimeProvider time) : IHealthCheck
    {
        private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(1);
        private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

        private readonly Lock _lock = new();
        private Task<HealthCheckResult>? _probe;
        private long _probeStarted;

        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            lock (_lock)
            {
                if (_probe is null || (_probe.IsCompleted && time.GetElapsedTime(_probeStarted) >= Freshness))
                {
                    _probeStarted = time.GetTimestamp();
                    _probe = ProbeAsync();
                }

                return _probe.WaitAsync(cancellationToken);
            }
        }

        private async Task<HealthCheckResult> ProbeAsync()
        {
            try
            {
                await grains.GetGrain<IStorageProbeGrain>(0).Probe().WaitAsync(ProbeTimeout, time);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e)
            {
                return HealthCheckResult.Unhealthy("The cluster or its storage did not answer: " + e.GetType().Name);
            }
        }
    }
}
