using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace KeyGrains.Integrations.Tests;

/// <summary>
/// KeyGrains, an echo upstream that shows what reached it, and real nginx and Caddy in front, each
/// run from the shipped files in deploy/gateways with only their example ports replaced.
/// </summary>
public sealed class Gateways : IAsyncLifetime
{
    // The example addresses the shipped files use; each must appear, so the tests run what ships.
    private const string GatewayAddress = "127.0.0.1:8080";
    private const string KeyGrainsAddress = "127.0.0.1:5080";
    private const string AppAddress = "127.0.0.1:9000";

    private readonly List<Process> _processes = [];
    private readonly string _work = Directory.CreateTempSubdirectory("keygrains-gateways-").FullName;
    private WebApplication _echo = null!;

    public Server Server { get; } = new();

    public Dictionary<string, HttpClient> Clients { get; } = [];

    public async Task InitializeAsync()
    {
        await Server.InitializeAsync();
        var appPort = Ports.Free();
        _echo = Echo(appPort);
        await _echo.StartAsync();

        var keygrains = $"127.0.0.1:{Server.Url.Port}";
        var app = $"127.0.0.1:{appPort}";
        await StartAsync("nginx", ["nginx.conf", "keygrains-upstream.conf"], keygrains, app,
            dir => ("/usr/sbin/nginx", ["-p", dir, "-c", Path.Combine(dir, "nginx.conf"), "-g", "daemon off;"]));
        await StartAsync("caddy", ["Caddyfile"], keygrains, app,
            dir => ("/usr/bin/caddy", ["run", "--adapter", "caddyfile", "--config", Path.Combine(dir, "Caddyfile")]));
    }

    /// <summary>What the upstream received, as the echo reports it.</summary>
    public static async Task<(System.Net.HttpStatusCode Status, Dictionary<string, string> Headers)> SendAsync(HttpClient gateway, string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await gateway.SendAsync(request);
        var seen = response.StatusCode == System.Net.HttpStatusCode.OK
            ? new Dictionary<string, string>(JsonSerializer.Deserialize<Dictionary<string, string>>(await response.Content.ReadAsStringAsync())!, StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        return (response.StatusCode, seen);
    }

    private async Task StartAsync(string name, string[] files, string keygrains, string app, Func<string, (string Program, string[] Args)> command)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_work, name)).FullName;
        var port = Ports.Free();
        foreach (var file in files)
        {
            var text = await File.ReadAllTextAsync(Repo.File("deploy", "gateways", file));
            await File.WriteAllTextAsync(Path.Combine(dir, file), text
                .Replace(GatewayAddress, $"127.0.0.1:{port}", StringComparison.Ordinal)
                .Replace(KeyGrainsAddress, keygrains, StringComparison.Ordinal)
                .Replace(AppAddress, app, StringComparison.Ordinal));
        }

        var (program, args) = command(dir);
        var start = new ProcessStartInfo(program, args) { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = dir };
        start.Environment["HOME"] = dir;
        start.Environment["XDG_DATA_HOME"] = dir;
        start.Environment["XDG_CONFIG_HOME"] = dir;
        var log = new System.Text.StringBuilder();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
        await Ports.WaitAsync(port, () => { lock (log) { return name + ": " + log; } });
        Clients[name] = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }

    /// <summary>Answers every path with the request headers it received, as one JSON object.</summary>
    private static WebApplication Echo(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var echo = builder.Build();
        echo.Run(context => context.Response.WriteAsJsonAsync(
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
        return echo;
    }

    public async Task DisposeAsync()
    {
        foreach (var client in Clients.Values)
        {
            client.Dispose();
        }

        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        await _echo.DisposeAsync();
        await Server.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<Gateways>
{
    public const string Name = "gateways";
}
