using KeyGrains.Hosting;

namespace KeyGrains.WebApi.Hosting;

/// <summary>
/// <c>Orleans:Mode</c>: <c>CoHosted</c> (default) runs a silo in this process; <c>Client</c> joins a
/// cluster of <c>src/Silo</c> processes, trying to connect a bounded number of times at start.
/// </summary>
public static class OrleansSetup
{
    public const string CoHosted = "CoHosted";
    public const string Client = "Client";

    public static WebApplicationBuilder AddKeyGrainsOrleans(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var mode = configuration["Orleans:Mode"] ?? CoHosted;
        if (string.Equals(mode, CoHosted, StringComparison.OrdinalIgnoreCase))
        {
            builder.UseOrleans(silo => silo.AddKeyGrains(configuration));
        }
        else if (string.Equals(mode, Client, StringComparison.OrdinalIgnoreCase))
        {
            var attempts = configuration.GetValue("Orleans:ConnectAttempts", 5);
            builder.UseOrleansClient(client => client
                .AddKeyGrainsClient(configuration)
                .UseConnectionRetryFilter(new BoundedRetry(attempts)));
        }
        else
        {
            throw new InvalidOperationException($"Orleans:Mode must be '{CoHosted}' or '{Client}', not '{mode}'.");
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
            var port = app.Configuration.GetValue("Orleans:GatewayPort", 30000);
            await Console.Error.WriteLineAsync(
                $"KeyGrains could not connect to an Orleans cluster (gateway port {port}) and stops. " +
                $"Start the silos first, or run without Orleans:Mode=Client to host a silo in this process. ({e.GetType().Name})");
            return 1;
        }

        await app.WaitForShutdownAsync();
        return 0;
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
