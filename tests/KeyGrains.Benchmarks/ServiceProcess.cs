using KeyGrains.Testing;

namespace KeyGrains.Benchmarks;

/// <summary>
/// A built KeyGrains program (or this one) as its own process on loopback: the cluster tests'
/// <see cref="NodeProcess"/>, plus waiting until it answers.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly NodeProcess _node;

    private ServiceProcess(NodeProcess node, string url)
    {
        _node = node;
        Url = url;
    }

    public string Url { get; }

    public static async Task<ServiceProcess> StartAsync(string dll, string url, IDictionary<string, string> environment, string logDirectory, string? readyPath = "/health/ready", params string[] args)
    {
        var env = new Dictionary<string, string>(environment);
        env.TryAdd("DOTNET_gcServer", "1");
        env.TryAdd("Logging__LogLevel__Default", "Warning");
        var name = Path.GetFileNameWithoutExtension(dll) + "-" + Guid.NewGuid().ToString("N")[..6];
        var service = new ServiceProcess(NodeProcess.Start(name, dll, args, env, logDirectory), url);
        if (readyPath is not null)
        {
            await service.WaitReadyAsync(readyPath);
        }

        return service;
    }

    private async Task WaitReadyAsync(string path)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (_node.HasExited)
            {
                throw new InvalidOperationException($"{_node.Name} exited:\n{_node.Tail()}");
            }

            try
            {
                if ((await http.GetAsync(Url + path)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{Url} did not become ready; see {_node.LogPath}");
    }

    public async ValueTask DisposeAsync()
    {
        // SIGTERM first, so a silo leaves its storage consistent; then insist.
        await _node.StopAsync(TimeSpan.FromSeconds(20));
        await _node.DisposeAsync();
    }
}
