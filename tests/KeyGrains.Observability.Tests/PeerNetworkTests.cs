using System.Net;
using System.Net.Http.Headers;
using KeyGrains.Hosting.Observability;

namespace KeyGrains.Observability.Tests;

/// <summary>
/// A host behind a trusted loopback proxy whose metrics network excludes loopback: a request the proxy
/// forwards for a client plays that client. The dashboard keeps its default (loopback only).
/// </summary>
[Collection(PeerCollection.Name)]
public sealed class PeerNetworkTests(PeerFixture fixture)
{
    private readonly ApiHost _host = fixture.Host;

    [Fact]
    public async Task Metrics_FromAPeerOutsideMetricsNetworks_Is404WithCode()
    {
        (await _host.Anonymous.Get("/metrics")).Problem(HttpStatusCode.NotFound, "not_found");
        using var outsider = PeerFixture.From(_host, "203.0.113.7");
        (await outsider.Get("/metrics")).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Metrics_FromAPeerInsideMetricsNetworks_IsServed()
    {
        using var scraper = PeerFixture.From(_host, "198.18.4.2");
        var scrape = await Scrape.TakeAsync(scraper);
        Assert.Contains("dotnet_gc_collections", scrape.Text);
    }

    [Fact]
    public async Task Metrics_WithTheOperatorToken_IsServedFromAnywhere_ButAnotherCredentialIsNot()
    {
        using var outsider = PeerFixture.From(_host, "203.0.113.8");
        outsider.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiHost.OperatorToken);
        Assert.Contains("dotnet_gc_collections", (await Scrape.TakeAsync(outsider)).Text);

        using var wrong = PeerFixture.From(_host, "203.0.113.8");
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiHost.OperatorToken + "x");
        (await wrong.Get("/metrics")).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Dashboard_FromAPeerOutsideDashboardNetworks_Is404WithCode_EvenWithTheOperatorToken()
    {
        using var outsider = PeerFixture.From(_host, "198.18.4.3");
        (await outsider.Get("/dashboard/")).Problem(HttpStatusCode.NotFound, "not_found");
        outsider.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiHost.OperatorToken);
        (await outsider.Get("/dashboard/")).Problem(HttpStatusCode.NotFound, "not_found");
        using var local = await _host.Anonymous.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
    }

    [Theory]
    [InlineData("10.1.2.3/8", "Observability:MetricsNetworks:0")]
    [InlineData("010.0.0.1", "Observability:MetricsNetworks:0")]
    public void Settings_ABadNetwork_StopsTheStart_NamingTheSetting(string rule, string setting)
    {
        var failure = new ObservabilityOptionsValidator().Validate(null, new ObservabilityOptions { MetricsNetworks = [rule] });
        Assert.True(failure.Failed);
        Assert.Contains(setting, failure.FailureMessage);
        Assert.Contains(rule, failure.FailureMessage);
    }
}

public sealed class PeerFixture : IAsyncLifetime
{
    public ApiHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await ApiHost.StartAsync(new Dictionary<string, string?>
    {
        ["Security:TrustedProxies:0"] = "127.0.0.1",
        ["Observability:MetricsNetworks:0"] = "198.18.0.0/15",
    });

    public async Task DisposeAsync() => await Host.DisposeAsync();

    public static HttpClient From(ApiHost host, string address)
    {
        var client = host.Client();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return client;
    }
}

[CollectionDefinition(Name)]
public sealed class PeerCollection : ICollectionFixture<PeerFixture>
{
    public const string Name = "peers";
}
