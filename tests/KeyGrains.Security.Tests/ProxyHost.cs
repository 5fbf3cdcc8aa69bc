namespace KeyGrains.Security.Tests;

/// <summary>
/// A host behind a trusted loopback proxy with a small failure budget and one CORS origin: each test
/// plays several clients by sending its own <c>X-Forwarded-For</c>.
/// </summary>
public sealed class ProxyFixture : IAsyncLifetime
{
    public const int FailureLimit = 5;
    public const string ConsoleOrigin = "https://console.example.com";

    private static int _next;

    public ApiHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await ApiHost.StartAsync(new Dictionary<string, string?>
    {
        ["Security:TrustedProxies:0"] = "127.0.0.1",
        ["Security:Throttling:FailureLimit"] = FailureLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Security:Throttling:WindowSeconds"] = "60",
        ["Security:Throttling:ExemptNetworks:0"] = "192.0.2.0/24",
        ["Security:Cors:AllowedOrigins:0"] = ConsoleOrigin,
    });

    public async Task DisposeAsync() => await Host.DisposeAsync();

    /// <summary>A documentation address (198.18.0.0/15) no other test has used.</summary>
    public static string NewAddress()
    {
        var n = Interlocked.Increment(ref _next);
        return $"198.18.{n / 250}.{n % 250 + 1}";
    }

    /// <summary>A client whose requests the trusted proxy forwards for <paramref name="address"/>.</summary>
    public HttpClient From(string address, string? bearer = null, string? apiKey = null)
    {
        var client = Host.Client(bearer, apiKey);
        client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return client;
    }
}

[CollectionDefinition(Name)]
public sealed class ProxyCollection : ICollectionFixture<ProxyFixture>
{
    public const string Name = "proxy";
}
