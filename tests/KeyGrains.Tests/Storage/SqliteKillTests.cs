using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KeyGrains.Tests.Storage;

public sealed class SqliteKillTests
{
    private const string ServiceId = "keygrains-tests";

    [Fact]
    public async Task AcknowledgedWrites_SurviveKillOfTheSiloProcess()
    {
        using var file = new TempSqliteFile();
        var gatewayPort = FreePort();
        using var silo = StartProbeSilo(file, FreePort(), gatewayPort);
        try
        {
            await WaitForReadyAsync(silo);
            using (var client = await ConnectAsync(gatewayPort))
            {
                var grain = client.Services.GetRequiredService<IClusterClient>().GetGrain<IProbeGrain>("kill-probe");
                for (var i = 1; i <= 20; i++)
                {
                    await grain.Set($"write {i}");
                }

                // SIGKILL right after the last acknowledgement: no shutdown, no deactivation, no flush.
                silo.Kill(entireProcessTree: true);
                await silo.WaitForExitAsync();
                await client.StopAsync(TimeSpan.Zero);
            }

            await using var restarted = await file.StartClusterAsync();
            var state = await restarted.Client.GetGrain<IProbeGrain>("kill-probe").Get();

            Assert.Equal(new ProbeState { Value = "write 20", Writes = 20 }, state);
        }
        finally
        {
            if (!silo.HasExited)
            {
                silo.Kill(entireProcessTree: true);
            }
        }
    }

    private static Process StartProbeSilo(TempSqliteFile file, int siloPort, int gatewayPort)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     typeof(ProbeSiloProgram).Assembly.Location, ProbeSiloProgram.Flag,
                     $"--Storage:SqlitePath={file.FilePath}", $"--Orleans:ServiceId={ServiceId}",
                     "--Orleans:ClusterId=kill-test", $"--Orleans:SiloPort={siloPort}", $"--Orleans:GatewayPort={gatewayPort}",
                 })
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    private static async Task WaitForReadyAsync(Process silo)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await silo.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line == ProbeSiloProgram.ReadyLine)
            {
                return;
            }
        }

        Assert.Fail($"The probe silo exited before it was ready: {await silo.StandardError.ReadToEndAsync()}");
    }

    private static async Task<IHost> ConnectAsync(int gatewayPort)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client => client.UseLocalhostClustering(gatewayPort, ServiceId, "kill-test"));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
