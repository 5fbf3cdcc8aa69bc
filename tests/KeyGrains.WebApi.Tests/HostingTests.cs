using System.Net;
using KeyGrains.WebApi.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace KeyGrains.WebApi.Tests;

/// <summary>Hosts of their own: these tests start and stop the service.</summary>
public sealed class HostingTests
{
    [Fact]
    public async Task FirstStartWithoutToken_PrintsGeneratedTokenOnce_AndItWorks()
    {
        var console = Console.Out;
        var captured = new StringWriter();
        Console.SetOut(captured);
        ApiHost host;
        try
        {
            host = await ApiHost.StartAsync(new Dictionary<string, string?> { ["Authority:OperatorToken"] = "" });
        }
        finally
        {
            Console.SetOut(console);
        }

        await using (host)
        {
            var text = captured.ToString();
            var token = text.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Single(w => w.StartsWith("kgop_", StringComparison.Ordinal));
            Assert.Contains("Keep it", text);
            Assert.True(token.Length > 40);

            using var op = host.Client(bearer: token);
            (await op.Post("/v1/orgs", new { name = "Generated" })).Ok(HttpStatusCode.Created);
            (await host.Operator.Post("/v1/orgs", new { name = "Configured token is not this one" })).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        }
    }

    [Fact]
    public async Task ClientMode_WithoutCluster_ExitsWithCodeOneAndASentence()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Orleans:Mode"] = "Client",
            ["Orleans:GatewayPort"] = "1",
            ["Orleans:ConnectAttempts"] = "2",
            ["Authority:OperatorToken"] = ApiHost.OperatorToken,
        });
        builder.AddKeyGrainsWebApi();
        await using var app = builder.Build();
        app.MapKeyGrainsWebApi();

        var error = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        int code;
        try
        {
            code = await app.RunKeyGrainsAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            Console.SetError(error);
        }

        Assert.Equal(1, code);
        Assert.Contains("could not connect to an Orleans cluster", captured.ToString());
    }

    [Fact]
    public async Task CoHostedAlone_OpensNoGateway_AndItsSiloPortListensOnLoopbackOnly()
    {
        var (siloPort, gatewayPort) = (ApiHost.FreePort(), ApiHost.FreePort());
        await using var host = await ApiHost.StartAsync(new Dictionary<string, string?>
        {
            ["Orleans:SiloPort"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        var endpoints = host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        Assert.Equal(0, endpoints.GatewayPort);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, siloPort), endpoints.SiloListeningEndpoint);
        var listening = ListeningSockets.Read();
        Assert.DoesNotContain(listening, s => s.Port == gatewayPort);
        Assert.Equal([IPAddress.Loopback], listening.Where(s => s.Port == siloPort).Select(s => s.Address));
    }

    [Theory]
    [InlineData("Orleans:Mode", "Sideways", "Orleans:Mode")]
    [InlineData("Orleans:Mode", "1", "Orleans:Mode")]
    [InlineData("Orleans:ConnectAttempts", "0", "Orleans:ConnectAttempts")]
    [InlineData("Orleans:ConnectAttempts", "many", "Orleans:ConnectAttempts")]
    public void InvalidOrleansSetting_StopsTheStart_NamingItAndTheValue(string setting, string value, string named)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Authority:OperatorToken"] = ApiHost.OperatorToken,
            [setting] = value,
        });

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddKeyGrainsWebApi());

        Assert.Contains(named, error.Message);
        Assert.Contains(value, error.Message);
    }

    [Fact]
    public void OrleansMode_IgnoresCase()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orleans:Mode"] = "client",
            ["Authority:OperatorToken"] = ApiHost.OperatorToken,
        });

        builder.AddKeyGrainsWebApi();

        using var services = builder.Services.BuildServiceProvider();
        Assert.Equal(OrleansMode.Client, services.GetRequiredService<IOptions<OrleansModeOptions>>().Value.Mode);
    }
}
