using System.Net;
using KeyGrains.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace KeyGrains.WebApi.Hosting;

/// <summary>
/// <c>Orleans:Mode</c>: <c>CoHosted</c> (default) runs a silo in this process; <c>Client</c> joins a
/// cluster of <c>src/Silo</c> processes, trying to connect a bounded number of times at start.
/// </summary>
public static class OrleansSetup
{
    public static WebApplicationBuilder AddKeyGrainsOrleans(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var settings = builder.Services.ReadValidatedOptions<OrleansModeOptions, OrleansModeOptionsValidator>(
            configuration.GetSection(OrleansModeOptions.Section));
        if (settings.Mode == OrleansMode.CoHosted)
        {
            builder.UseOrleans(silo => silo.AddKeyGrains(configuration).ShutOutOtherProcessesWhenAlone());
        }
        else
        {
            builder.UseOrleansClient(client => client
                .AddKeyGrainsClient(configuration)
                .UseConnectionRetryFilter(new BoundedRetry(settings.ConnectAttempts)));
        }

        return builder;
    }

    /// <summary>
    /// Starts the host; when a client cannot reach its cluster, says so in a sentence and gives
    /// exit code 1 instead of a stack trace.
    /// </summary>
    public static async Task<int> RunKeyGrainsAsync(this WebApplication app)
    {
        try
        {
            await app.StartAsync();
        }
        catch (Exception e) when (e is OrleansException or TimeoutException or System.Net.Sockets.SocketException)
        {
            var port = app.Services.GetRequiredService<IOptions<KeyGrainsSiloOptions>>().Value.Orleans.GatewayPort;
            await Console.Error.WriteLineAsync(
                $"KeyGrains could not connect to an Orleans cluster (gateway port {port}) and stops. " +
                $"Start the silos first, or run without Orleans:Mode=Client to host a silo in this process. ({e.GetType().Name})");
            return 1;
        }

        await app.WaitForShutdownAsync();
        return 0;
    }

    /// <summary>
    /// A lone co-hosted node (<c>Clustering:Provider=Localhost</c>) serves its grains to this process
    /// only: it opens no gateway, and its silo port, which no other silo will ever dial, listens on
    /// loopback. Nothing outside the host can reach Orleans; the HTTP port is the only way in.
    /// </summary>
    private static ISiloBuilder ShutOutOtherProcessesWhenAlone(this ISiloBuilder silo)
    {
        silo.Services.AddOptions<EndpointOptions>().Configure<IOptions<KeyGrainsSiloOptions>>((o, node) =>
        {
            if (node.Value.Clustering.Provider != ClusteringProvider.Localhost)
            {
                return;
            }

            o.GatewayPort = 0;
            o.AdvertisedIPAddress = IPAddress.Loopback;
            o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Loopback, o.SiloPort);
        });
        return silo;
    }

    private sealed class BoundedRetry(int attempts) : IClientConnectionRetryFilter
    {
        private int _failures;

        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            if (++_failures >= attempts)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
        }
    }
}
