using System.Net;

namespace KeyGrains.Security.Tests;

[Collection(ApiCollection.Name)]
public sealed class ResponseHeadersTests(ApiFixture fixture)
{
    private readonly ApiHost _host = fixture.Host;

    [Fact]
    public async Task EveryV1Answer_IsNoStoreAndNoSniff_SecretsIncluded()
    {
        using var onPurpose = OpenApiContract.InvalidRequestsOnPurpose();
        var org = await _host.NewOrg();
        var created = await _host.NewKey(org, ["viewer"]);
        var rotated = (await _host.Operator.Post($"/v1/orgs/{org}/keys/{created.Str("id")}/rotate", new { gracePeriodSeconds = 0 })).Ok();
        var answers = new[]
        {
            created,
            rotated,
            await _host.Verify(rotated.Str("key")),
            await _host.Operator.Get($"/v1/orgs/{org}/keys"),
            await _host.Anonymous.Get($"/v1/orgs/{org}"),
            await _host.Anonymous.Get("/v1/nowhere"),
            await _host.Anonymous.Send(HttpMethod.Post, "/v1/keys/verify", "{not json"),
        };

        foreach (var answer in answers)
        {
            Assert.True(answer.Response.Headers.CacheControl?.NoStore, $"{answer.Status} without no-store");
            Assert.Equal("nosniff", answer.Response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.False(answer.Response.Headers.Contains("Server"));
        }
    }

    [Fact]
    public async Task AnswersOutsideV1_AreNoSniff()
    {
        var health = await _host.Anonymous.GetAsync("/health/live");
        Assert.Equal("nosniff", health.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Cors_IsOffByDefault()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/v1/keys/verify");
        request.Headers.Add("Origin", "https://evil.example");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        var preflight = await _host.Anonymous.SendAsync(request);
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.True((int)preflight.StatusCode < 500);

        using var simple = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        simple.Headers.Add("Origin", "https://evil.example");
        Assert.False((await _host.Anonymous.SendAsync(simple)).Headers.Contains("Access-Control-Allow-Origin"));
    }
}

[Collection(ProxyCollection.Name)]
public sealed class ConfiguredCorsTests(ProxyFixture fixture)
{
    [Theory]
    [InlineData(ProxyFixture.ConsoleOrigin, true)]
    [InlineData("https://evil.example", false)]
    public async Task Preflight_IsAllowedOnlyForConfiguredOrigins(string origin, bool allowed)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/v1/orgs");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "GET");
        request.Headers.Add("Access-Control-Request-Headers", "authorization");
        var answer = await fixture.Host.Anonymous.SendAsync(request);
        Assert.Equal(allowed, answer.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) && values.Single() == origin);
        Assert.False(answer.Headers.Contains("Access-Control-Allow-Credentials"));
    }
}
