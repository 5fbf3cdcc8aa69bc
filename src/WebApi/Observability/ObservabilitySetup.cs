using KeyGrains.Hosting.Observability;
using KeyGrains.WebApi.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Orleans.Dashboard;

namespace KeyGrains.WebApi.Observability;

/// <summary>
/// The web API's telemetry (<see cref="Telemetry"/> plus ASP.NET Core's meters and admin-call
/// traces), <c>/metrics</c> for <c>Observability:MetricsNetworks</c> or the operator token, and the
/// Orleans dashboard at <c>/dashboard</c> for <c>Observability:DashboardNetworks</c>.
/// </summary>
public static class ObservabilitySetup
{
    public const string MetricsPath = "/metrics";
    public const string DashboardPath = "/dashboard";

    private const string RentedBytes = "aspnetcore.memory_pool.rented";
    private const string PooledBytes = "aspnetcore.memory_pool.pooled";
    private const string ActiveRequests = "http.server.active_requests";

    public static WebApplicationBuilder AddKeyGrainsObservability(this WebApplicationBuilder builder)
    {
        builder.Services.AddKeyGrainsTelemetry(
            builder.Configuration,
            "keygrains-webapi",
            m => m.AddAspNetCoreInstrumentation()
                // Kestrel's memory pool updates these two on every block rented and returned, a
                // tagged update or two per request; what it allocated and evicted stays.
                .AddView(RentedBytes, MetricStreamConfiguration.Drop)
                .AddView(PooledBytes, MetricStreamConfiguration.Drop)
                // Hosting moves this gauge twice per request, with two tags, before any middleware
                // runs, so the hot paths cannot leave it out as they leave out the duration; the
                // verification series and the duration histogram's counts say the same.
                .AddView(ActiveRequests, MetricStreamConfiguration.Drop),
            t => t.AddAspNetCoreInstrumentation(o => o.Filter = IsAdminCall));
        return builder;
    }

    /// <summary>The gate in front of both paths, then the two endpoints.</summary>
    public static WebApplication UseKeyGrainsObservability(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<IOptions<ObservabilityOptions>>().Value;
        var metrics = new PeerGate(ObservabilityOptions.NetworksOrLoopback(settings.MetricsNetworks));
        var dashboard = new PeerGate(ObservabilityOptions.NetworksOrLoopback(settings.DashboardNetworks));

        // Not an async lambda: every other request, the hot path among them, passes through with
        // two path comparisons and no allocation.
        app.Use(next => context =>
        {
            var path = context.Request.Path;
            if (path.StartsWithSegments(MetricsPath))
            {
                return metrics.Allows(context.Connection.RemoteIpAddress) ? next(context) : OperatorOnlyAsync(context, next);
            }

            if (path.StartsWithSegments(DashboardPath) && !dashboard.Allows(context.Connection.RemoteIpAddress))
            {
                return PeerGate.RefuseAsync(context).AsTask();
            }

            return next(context);
        });

        if (settings.Prometheus)
        {
            app.MapPrometheusScrapingEndpoint(MetricsPath).ExcludeFromDescription();
        }

        if (settings.Dashboard)
        {
            app.MapOrleansDashboard(DashboardPath).ExcludeFromDescription();
        }

        return app;
    }

    /// <summary>Outside the metrics networks, the operator token still opens <c>/metrics</c> (a scraper elsewhere that holds it).</summary>
    private static async Task OperatorOnlyAsync(HttpContext context, RequestDelegate next)
    {
        var result = await context.AuthenticateAsync(Principals.Scheme);
        if (result.Succeeded && result.Principal.IsOperator())
        {
            await next(context);
        }
        else
        {
            await PeerGate.RefuseAsync(context);
        }
    }

    /// <summary>
    /// Admin calls are traced; verification is counted (<see cref="VerificationMetrics"/>) but not
    /// traced, so tens of thousands of verifications a second do not each cost a span.
    /// </summary>
    private static bool IsAdminCall(HttpContext context)
    {
        var path = context.Request.Path;
        return path.StartsWithSegments("/v1") && !path.StartsWithSegments("/v1/keys/verify");
    }
}
