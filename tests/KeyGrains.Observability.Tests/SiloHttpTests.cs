using System.Globalization;
using System.Net;
using KeyGrains.Hosting;
using KeyGrains.Hosting.Observability;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace KeyGrains.Observability.Tests;

/// <summary>A headless silo composed as <c>src/Silo</c> composes it, with its HTTP listener on.</summary>
public sealed class SiloHttpTests
{
    [Fact]
    public async Task Silo_WithAnHttpPort_AnswersProbes_AndServesItsOrleansMetricsToLoopback()
    {
        var http = ApiHost.FreePort();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Memory",
            ["Orleans:SiloPort"] = ApiHost.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = ApiHost.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Observability:HttpPort"] = http.ToString(CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.Services.AddKeyGrainsSiloTelemetry(builder.Configuration);
        builder.UseOrleans(silo => silo.AddKeyGrains(builder.Configuration));
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") };
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
            var ready = HttpStatusCode.ServiceUnavailable;
            for (var i = 0; i < 100 && ready != HttpStatusCode.OK; i++)
            {
                ready = (await client.GetAsync("/health/ready")).StatusCode;
                await Task.Delay(100);
            }

            Assert.Equal(HttpStatusCode.OK, ready);
            var scrape = await Scrape.TakeAsync(client);
            Assert.True(scrape.Has("orleans_catalog_activations") || scrape.Has("orleans_grains"), scrape.Text[..Math.Min(1500, scrape.Text.Length)]);
            Assert.Contains("dotnet_gc_collections", scrape.Text);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
