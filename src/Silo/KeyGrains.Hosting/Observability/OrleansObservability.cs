using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Orleans.Dashboard;

namespace KeyGrains.Hosting.Observability;

/// <summary>
/// What every node adds to Orleans itself: the trace context carried across grain calls, and the
/// dashboard's statistics, which the web API shows at <c>/dashboard</c> (a client can show them only
/// if every silo collects them).
/// </summary>
public static class OrleansObservability
{
    public static ISiloBuilder AddKeyGrainsObservability(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.AddActivityPropagation();
        if (Read(configuration).Dashboard)
        {
            silo.AddDashboard(HideTraces);
        }

        return silo;
    }

    public static IClientBuilder AddKeyGrainsObservability(this IClientBuilder client, IConfiguration configuration)
    {
        client.AddActivityPropagation();
        if (Read(configuration).Dashboard)
        {
            client.AddDashboard(HideTraces);
        }

        return client;
    }

    // The dashboard's live log page streams every log line to whoever opens it; KeyGrains' logs hold
    // no secret, but the page is off anyway: logs have their own road (the console, OTLP).
    private static void HideTraces(DashboardOptions o) => o.HideTrace = true;

    private static ObservabilityOptions Read(IConfiguration configuration) =>
        configuration.GetSection(ObservabilityOptions.Section).GetValidatedOptions<ObservabilityOptions, ObservabilityOptionsValidator>();
}
