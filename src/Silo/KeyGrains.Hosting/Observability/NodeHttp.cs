using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace KeyGrains.Hosting.Observability;

/// <summary>
/// A headless silo's own small HTTP listener on <c>Observability:HttpPort</c> (off when 0):
/// <c>/health/live</c> while the process runs, <c>/health/ready</c> while this silo is an active
/// member of its cluster, and <c>/metrics</c> to <c>Observability:MetricsNetworks</c>. Kubernetes
/// probes and Prometheus need it; a silo has nothing else to say over HTTP.
/// </summary>
public sealed class NodeHttp(IServiceProvider node, IOptions<ObservabilityOptions> options, ILoggerFactory logs) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.HttpPort == 0)
        {
            return;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(logs);
        builder.Services.AddProblemDetails();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.IPv6Any, settings.HttpPort));
        var app = builder.Build();
        app.MapGet("/health/live", () => Results.Text("Healthy"));
        app.MapGet("/health/ready", () => IsActive()
            ? Results.Text("Healthy")
            : Results.Text("Unhealthy", statusCode: StatusCodes.Status503ServiceUnavailable));
        if (settings.Prometheus)
        {
            var gate = new PeerGate(ObservabilityOptions.NetworksOrLoopback(settings.MetricsNetworks));
            app.MapPrometheusScrapingEndpoint("/metrics", node.GetRequiredService<MeterProvider>(), pipeline => pipeline.Use(async (context, next) =>
            {
                if (gate.Allows(context.Connection.RemoteIpAddress))
                {
                    await next(context);
                }
                else
                {
                    await PeerGate.RefuseAsync(context);
                }
            }), null);
        }

        await app.StartAsync(cancellationToken);
        _app = app;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private bool IsActive()
    {
        var self = node.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        var membership = node.GetRequiredService<IClusterMembershipService>().CurrentSnapshot;
        return membership.GetSiloStatus(self) == SiloStatus.Active;
    }
}
