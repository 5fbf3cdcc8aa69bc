using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace KeyGrains.Benchmarks;

/// <summary>A throwaway redis-server on loopback (Debian's package; run-http.sh installs it), without persistence.</summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;

    private RedisServer(Process process) => _process = process;

    public static async Task<RedisServer> StartAsync(int port, string work)
    {
        var info = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, WorkingDirectory = work };
        foreach (var arg in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            info.ArgumentList.Add(arg);
        }

        var server = new RedisServer(Process.Start(info)!);
        _ = server._process.StandardOutput.ReadToEndAsync();
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                return server;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException("redis-server did not start.");
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
