using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KeyGrains.Tests.Storage;

public sealed class SqliteKillTests
{
    private const string ClusterId = "kill-test";

    [Fact]
    public async Task AcknowledgedWrites_SurviveKillOfTheSiloProcess()
    {
        using var file = new TempSqliteFile();
        var gatewayPort = NodeProcess.FreePort();
        await using var silo = StartProbeSilo(file, NodeProcess.FreePort(), gatewayPort);
        await WaitForReadyAsync(silo);
        using (var client = await ConnectAsync(gatewayPort))
        {
            var grain = client.Services.GetRequiredService<IClusterClient>().GetGrain<IProbeGrain>("kill-probe");
            for (var i = 1; i <= 20; i++)
            {
                await grain.Set($"write {i}");
            }

            // SIGKILL right after the last acknowledgement: no shutdown, no deactivation, no flush.
            await silo.KillAsync();
            await client.StopAsync(TimeSpan.Zero);
        }

        await using var restarted = await file.StartClusterAsync();
        var state = await restarted.Client.GetGrain<IProbeGrain>("kill-probe").Get();

        Assert.Equal(new ProbeState { Value = "write 20", Writes = 20 }, state);
    }

    /// <summary>This test assembly, run as a program (<see cref="ProbeSiloProgram"/>): a silo on the file.</summary>
    private static NodeProcess StartProbeSilo(TempSqliteFile file, int siloPort, int gatewayPort)
    {
        // Its log sits next to the database, so disposing the file removes both.
        Directory.CreateDirectory(file.DirectoryPath);
        return NodeProcess.Start(
            "probe-silo",
            typeof(ProbeSiloProgram).Assembly.Location,
            [
                ProbeSiloProgram.Flag,
                $"--Storage:SqlitePath={file.FilePath}", $"--Orleans:ServiceId={TempSqliteFile.ServiceId}",
                $"--Orleans:ClusterId={ClusterId}", $"--Orleans:SiloPort={siloPort}", $"--Orleans:GatewayPort={gatewayPort}",
            ],
            new Dictionary<string, string>(),
            file.DirectoryPath);
    }

    private static async Task WaitForReadyAsync(NodeProcess silo)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!silo.Tail().Contains(ProbeSiloProgram.ReadyLine, StringComparison.Ordinal))
        {
            if (silo.HasExited || DateTime.UtcNow > deadline)
            {
                Assert.Fail($"The probe silo {(silo.HasExited ? "exited" : "timed out")} before it was ready:\n{silo.Tail()}");
            }

            await Task.Delay(100);
        }
    }

    private static async Task<IHost> ConnectAsync(int gatewayPort)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client => client.UseLocalhostClustering(gatewayPort, TempSqliteFile.ServiceId, ClusterId));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
