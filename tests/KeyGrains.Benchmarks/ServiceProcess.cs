using System.Diagnostics;

namespace KeyGrains.Benchmarks;

/// <summary>A built KeyGrains program (or this one) run as its own process on loopback.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServiceProcess(Process process, string url, string log)
    {
        _process = process;
        Url = url;
        LogPath = log;
    }

    public string Url { get; }

    public string LogPath { get; }

    public int Pid => _process.Id;

    public static async Task<ServiceProcess> StartAsync(string dll, string url, IDictionary<string, string> environment, string logDirectory, string? readyPath = "/health/ready", params string[] args)
    {
        var log = Path.Combine(logDirectory, Path.GetFileNameWithoutExtension(dll) + "-" + Guid.NewGuid().ToString("N")[..6] + ".log");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = logDirectory,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_gcServer"] = "1";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start " + dll);
        var writer = new StreamWriter(log) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (writer) { writer.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (writer) { writer.WriteLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var service = new ServiceProcess(process, url, log);
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
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{LogPath}: the process exited with {_process.ExitCode}");
            }

            try
            {
                if ((await http.GetAsync(Url + path)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{Url} did not become ready; see {LogPath}");
    }

    public long WorkingSetBytes()
    {
        _process.Refresh();
        return _process.WorkingSet64;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM first, so the silo leaves its storage consistent; then insist.
            Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }
}
