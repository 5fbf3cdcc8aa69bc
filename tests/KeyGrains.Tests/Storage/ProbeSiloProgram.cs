using KeyGrains.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KeyGrains.Tests.Storage;

/// <summary>
/// The test assembly's entry point (the test SDK's generated one is switched off), used only to
/// run a probe silo in a <see cref="NodeProcess"/> that a test can kill -9. The test runner never calls it.
/// </summary>
public static class ProbeSiloProgram
{
    public const string Flag = "--probe-silo";
    public const string ReadyLine = "PROBE-SILO-READY";

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] != Flag)
        {
            await Console.Error.WriteLineAsync($"This is a test assembly; run it with {Flag} to host a probe silo.");
            return 2;
        }

        var builder = Host.CreateApplicationBuilder(args[1..]);
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo => silo.AddKeyGrains(builder.Configuration));
        using var host = builder.Build();
        await host.StartAsync();
        Console.WriteLine(ReadyLine);
        await host.WaitForShutdownAsync();
        return 0;
    }
}
