using KeyGrains.Client;
using KeyGrains.WebApi.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace KeyGrains.Integrations.Tests;

// The server's own NewKey (namespace KeyGrains) would win over the SDK's here.
using NewKey = KeyGrains.Client.NewKey;

/// <summary>
/// A real KeyGrains on a loopback port, composed as <c>Program</c> composes it, trusting loopback as
/// its proxy (the gateways under test run there), with the SDK's client as the operator.
/// </summary>
public sealed class Server : IAsyncLifetime
{
    public const string OperatorToken = "kgop_integrations-operator-token-0123456789";

    private WebApplication _app = null!;
    private ServiceProvider _clients = null!;

    public Uri Url { get; private set; } = null!;

    public KeyGrainsClient Operator { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Authority:OperatorToken"] = OperatorToken,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Security:TrustedProxies:0"] = "127.0.0.1",
            ["Security:Throttling:FailureLimit"] = "1000000",
            ["Storage:SqlitePath"] = Path.Combine(Path.GetTempPath(), "keygrains-integrations-tests", Guid.NewGuid().ToString("N") + ".db"),
            ["Orleans:SiloPort"] = Ports.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = Ports.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        builder.AddKeyGrainsWebApi();
        _app = builder.Build();
        _app.MapKeyGrainsWebApi();
        await _app.StartAsync();
        Url = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        var services = new ServiceCollection();
        services.AddKeyGrainsClient(o =>
        {
            o.BaseAddress = Url;
            o.Token = OperatorToken;
        });
        _clients = services.BuildServiceProvider();
        Operator = _clients.GetRequiredService<KeyGrainsClient>();
    }

    public async Task<string> NewOrgAsync() =>
        (await Operator.CreateOrgAsync(new NewOrg("Integration", "i-" + Guid.NewGuid().ToString("N")[..20], KeyLimit: 50))).Id;

    public async Task<NewKey> NewKeyAsync(string orgId, string[] roles, string[]? allowedIps = null) =>
        await Operator.CreateKeyAsync(orgId, new KeySpec(roles, "integration", AllowedIps: allowedIps));

    public async Task DisposeAsync()
    {
        await _clients.DisposeAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public static class Ports
{
    public static int Free()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until something accepts connections on the loopback port.</summary>
    public static async Task WaitAsync(int port, Func<string> whyNot)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
                return;
            }
            catch (System.Net.Sockets.SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            catch (System.Net.Sockets.SocketException)
            {
                throw new InvalidOperationException($"Nothing listens on port {port}: {whyNot()}");
            }
        }
    }
}

/// <summary>Where the repository's own files are: the shipped gateway configs and the built `kg`.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "KeyGrains.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("KeyGrains.sln not found above " + AppContext.BaseDirectory);
    }
}
