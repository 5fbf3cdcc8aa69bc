using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using KeyGrains.WebApi.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace KeyGrains.Console.Tests;

/// <summary>
/// One real web API (co-hosted silo, Kestrel on a free loopback port, composed as <c>Program</c>
/// composes it) and one headless Debian chromium for the whole collection; each test gets a
/// fresh browser context, so its sessionStorage starts empty.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public const string OperatorToken = "kgop_console-test-operator-token-42";

    private WebApplication _app = null!;
    private IPlaywright _playwright = null!;
    private readonly string _dataDir = Directory.CreateTempSubdirectory("keygrains-console-").FullName;

    public Uri Address { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public HttpClient Operator { get; private set; } = null!;

    public static string ScreenshotDir { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(ScreenshotDir);
        await StartApiAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    private async Task StartApiAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Authority:OperatorToken"] = OperatorToken,
            ["Storage:SqlitePath"] = Path.Combine(_dataDir, "keygrains.db"),
            ["Logging:LogLevel:Default"] = "Warning",

            // Free silo ports and a cluster of our own: a test run never joins another silo on this machine.
            ["Orleans:SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["Orleans:ClusterId"] = $"console-tests-{Guid.NewGuid():N}",
        });
        builder.AddKeyGrainsWebApi();

        _app = builder.Build();
        _app.MapKeyGrainsWebApi();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        Address = new Uri(address);
        Operator = Client(OperatorToken);
    }

    public HttpClient Client(string? bearer = null)
    {
        var client = new HttpClient { BaseAddress = Address };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
        Operator.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory the OS cleans anyway; not worth failing a green run for.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}
