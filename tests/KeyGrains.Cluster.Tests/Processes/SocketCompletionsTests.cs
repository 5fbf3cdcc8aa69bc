using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using KeyGrains.Testing;

namespace KeyGrains.Cluster.Tests.Processes;

/// <summary>
/// The web API process runs its socket completions on the socket engines' threads (see
/// <c>KeyGrains.WebApi.Hosting.SocketCompletions</c>) unless its environment says otherwise. The runtime shows which it
/// chose in its threads: with inline completions it makes one engine per core, otherwise one per
/// 30 cores (at least one), each a thread named ".NET Sockets".
/// </summary>
public sealed class SocketCompletionsTests
{
    private const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    [Fact]
    public async Task WebApi_RunsSocketCompletionsInline_UnlessItsEnvironmentSaysOtherwise()
    {
        var cores = Environment.ProcessorCount;
        Assert.Equal(cores, await EngineThreadsAsync());
        Assert.Equal(Math.Max(1, (int)Math.Round(cores / 30.0)), await EngineThreadsAsync((Variable, "0")));
    }

    private static async Task<int> EngineThreadsAsync(params (string Name, string Value)[] settings)
    {
        var work = Directory.CreateTempSubdirectory("keygrains-sockets-").FullName;
        var url = "http://127.0.0.1:" + NodeProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        await using var node = WebApiProcess.Start(["--urls", url], work, settings);
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        await WebApiProcess.WaitReadyAsync(http, node);
        for (var i = 0; i < 10; i++)
        {
            var answer = await http.PostAsJsonAsync("/v1/keys/verify", new { key = "kg_not-a-key" });
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        var threads = Directory.GetDirectories($"/proc/{node.Id}/task")
            .Count(task => File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') == ".NET Sockets");
        await node.StopAsync(TimeSpan.FromSeconds(10));
        return threads;
    }
}
