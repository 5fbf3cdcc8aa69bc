using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KeyGrains.Testing;

namespace KeyGrains.Cluster.Tests.Processes;

/// <summary>
/// HTTP/2 for server-to-server callers, as docs/operations.md configures it: without TLS Kestrel
/// cannot offer HTTP/1.1 and HTTP/2 on one port, so a second endpoint speaks HTTP/2 alone (h2c, prior
/// knowledge), and the first keeps HTTP/1.1 for everyone else. Both answer verification.
/// </summary>
public sealed class Http2EndpointTests
{
    [Fact]
    public async Task WebApi_WithAnH2cEndpoint_VerifiesOverHttp2There_AndOverHttp11OnItsMainEndpoint()
    {
        var work = Directory.CreateTempSubdirectory("keygrains-h2c-").FullName;
        var main = "http://127.0.0.1:" + NodeProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        var h2c = "http://127.0.0.1:" + NodeProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        await using var node = WebApiProcess.Start([], work,
            ("Kestrel__Endpoints__Http__Url", main), ("Kestrel__Endpoints__H2c__Url", h2c), ("Kestrel__Endpoints__H2c__Protocols", "Http2"));
        using var http = new HttpClient { BaseAddress = new Uri(main) };
        await WebApiProcess.WaitReadyAsync(http, node);

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", WebApiProcess.OperatorToken);
        (await http.PostAsJsonAsync("/v1/orgs", new { id = "h2c", name = "H2c" })).EnsureSuccessStatusCode();
        var created = await (await http.PostAsJsonAsync("/v1/orgs/h2c/keys", new { name = "gateway", roles = new[] { "viewer" } })).Content.ReadFromJsonAsync<JsonElement>();
        var key = created.GetProperty("key").GetString();

        using var overHttp2 = new HttpClient { BaseAddress = new Uri(h2c), DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var answer = await overHttp2.PostAsJsonAsync("/v1/keys/verify", new { key });
        Assert.Equal(HttpVersion.Version20, answer.Version);
        Assert.Equal("VALID", (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());

        using var overHttp11 = await http.PostAsJsonAsync("/v1/keys/verify", new { key });
        Assert.Equal(HttpVersion.Version11, overHttp11.Version);
        Assert.Equal("VALID", (await overHttp11.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }
}
