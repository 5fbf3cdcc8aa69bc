using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;

namespace KeyGrains.Hosting.Observability;

/// <summary>
/// OpenTelemetry for every KeyGrains process: the <c>KeyGrains</c>, Orleans and .NET runtime meters,
/// Prometheus when <c>Observability:Prometheus</c> is on, and OTLP (metrics and traces) when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Traces exist only to be exported, so without OTLP no
/// tracer listens and the hot path pays nothing for them.
/// </summary>
public static class Telemetry
{
    /// <summary>The meter of KeyGrains' own series (<c>keygrains_*</c>).</summary>
    public const string MeterName = "KeyGrains";

    public const string OtlpEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static ObservabilityOptions AddKeyGrainsTelemetry(
        this IServiceCollection services,
        IConfiguration configuration,
        string serviceName,
        Action<MeterProviderBuilder>? metrics = null,
        Action<TracerProviderBuilder>? traces = null)
    {
        var settings = services.ReadValidatedOptions<ObservabilityOptions, ObservabilityOptionsValidator>(configuration.GetSection(ObservabilityOptions.Section));
        var otlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpoint]);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName, serviceInstanceId: Environment.MachineName))
            .WithMetrics(m =>
            {
                m.AddMeter(MeterName, "Microsoft.Orleans").AddRuntimeInstrumentation();
                metrics?.Invoke(m);
                if (settings.Prometheus)
                {
                    // No cached answer: a scrape sees every count made before it (Prometheus scrapes every 15 s or so anyway).
                    m.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
                }

                if (otlp)
                {
                    m.AddOtlpExporter();
                }
            });
        if (otlp)
        {
            telemetry.WithTracing(t =>
            {
                // Orleans' runtime, application and storage sources, and Npgsql's own: a call's road
                // from the web API through grains to PostgreSQL is one trace.
                t.AddSource(ActivitySources.AllActivitySourceName, "Npgsql");
                traces?.Invoke(t);
                t.AddOtlpExporter();
            });
        }

        services.AddLogging(l => l.AddKeyGrainsLogFormat());
        return settings;
    }

    /// <summary>The headless silo's telemetry, and its HTTP listener for probes and scrapes.</summary>
    public static IServiceCollection AddKeyGrainsSiloTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddKeyGrainsTelemetry(configuration, "keygrains-silo");
        services.AddHostedService<NodeHttp>();
        return services;
    }

    /// <summary>
    /// Every log line knows its trace: the console's JSON format (<c>Logging:Console:FormatterName=json</c>)
    /// prints the trace and span ids with the line's scopes; the default format prints one line per event.
    /// </summary>
    public static ILoggingBuilder AddKeyGrainsLogFormat(this ILoggingBuilder logging)
    {
        logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        logging.Services.Configure<JsonConsoleFormatterOptions>(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
        });
        return logging;
    }
}
