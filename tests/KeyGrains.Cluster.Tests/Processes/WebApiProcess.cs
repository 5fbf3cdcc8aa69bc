using System.Globalization;
using System.Net;
using KeyGrains.Testing;

namespace KeyGrains.Cluster.Tests.Processes;

/// <summary>One co-hosted web API as its own process on SQLite, for the tests of how it is started.</summary>
internal static class WebApiProcess
{
    public const string OperatorToken = "kgop_web-api-process-test-token-00000";

    public static NodeProcess Start(string[] args, string workingDirectory, params (string Name, string Value)[] settings)
    {
        var environment = new Dictionary<string, string>
        {
            ["Authority__OperatorToken"] = OperatorToken,
            ["Storage__SqlitePath"] = "data/relative.db",
            ["Orleans__SiloPort"] = NodeProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = NodeProcess.FreePort().ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in settings)
        {
            environment[name] = value;
        }

        return NodeProcess.Start("webapi", Built.Dll("WebApi"), args, environment, workingDirectory);
    }

    /// <summary>Waits up to 30 s for <c>/health/ready</c>; fails with the process' log.</summary>
    public static async Task WaitReadyAsync(HttpClient http, NodeProcess node)
    {
        var ready = false;
        for (var i = 0; i < 300 && !ready && !node.HasExited; i++)
        {
            try
            {
                ready = (await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
            }

            if (!ready)
            {
                await Task.Delay(100);
            }
        }

        Assert.True(ready, node.Tail());
    }
}
