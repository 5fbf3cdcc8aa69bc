using System.Net.Http.Headers;
using KeyGrains.WebApi.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace KeyGrains.WebApi.Tests;

/// <summary>
/// The real web API with its co-hosted silo on a loopback Kestrel port, composed exactly as
/// <c>Program</c> composes it, so the TCP peer address and Kestrel's limits are the real ones.
/// </summary>
public sealed class ApiHost : IAsyncDisposable
{
    public const string OperatorToken = "kgop_test-operator-token-0123456789";

    private readonly WebApplication _app;

    private ApiHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        Anonymous = new HttpClient { BaseAddress = address };
        Operator = Client(bearer: OperatorToken);
    }

    public Uri Address { get; }

    public HttpClient Anonymous { get; }

    public HttpClient Operator { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<ApiHost> StartAsync(IDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        var config = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Authority:OperatorToken"] = OperatorToken,
            ["Logging:LogLevel:Default"] = "Warning",

            // These tests fail on purpose far more often than a client would; throttling has its own tests.
            ["Security:Throttling:FailureLimit"] = "1000000",

            // Refused calls reach the audit log aggregated once a period: a minute in production.
            ["Security:RefusalAudit:Period"] = "00:00:01",
            ["Storage:SqlitePath"] = Path.Combine(Path.GetTempPath(), "keygrains-webapi-tests", Guid.NewGuid().ToString("N") + ".db"),
            ["Orleans:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            config[k] = v;
        }

        builder.Configuration.AddInMemoryCollection(config);
        builder.AddKeyGrainsWebApi();
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapKeyGrainsWebApi();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ApiHost(app, new Uri(address));
    }

    /// <summary>A loopback port free right now, so test silos never collide with a running service.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public HttpClient Client(string? bearer = null, string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = Address };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-API-Key", apiKey);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Anonymous.Dispose();
        Operator.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One host for the whole collection: starting a silo costs seconds.</summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public ApiHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await ApiHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}
