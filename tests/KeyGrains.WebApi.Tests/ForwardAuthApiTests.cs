using System.Net;
using System.Net.Http.Headers;

namespace KeyGrains.WebApi.Tests;

[Collection(ApiCollection.Name)]
public sealed class ForwardAuthApiTests(ApiFixture fixture)
{
    private readonly ApiHost _host = fixture.Host;

    [Fact]
    public async Task ValidKey_Answers200_WithEmptyBody_AndTheKeysHeaders()
    {
        var org = await _host.NewOrg();
        var created = await _host.NewKey(org, ["viewer", "editor"]);

        var answer = (await _host.Auth(apiKey: created.Str("key"))).Ok();

        Assert.Equal(0, answer.Response.Content.Headers.ContentLength ?? 0);
        Assert.Equal(created.Str("id"), answer.Header("X-KeyGrains-Key-Id"));
        Assert.Equal(org, answer.Header("X-KeyGrains-Org-Id"));
        Assert.Equal(["editor", "viewer"], answer.Header("X-KeyGrains-Roles")!.Split(',').Order());
        Assert.Equal("VALID", answer.Header("X-KeyGrains-Code"));
    }

    [Fact]
    public async Task BearerKey_IsAccepted_AndAnyMethodIsAnswered()
    {
        var org = await _host.NewOrg();
        var key = (await _host.NewKey(org, ["viewer"])).Str("key");

        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post, HttpMethod.Put, HttpMethod.Patch, HttpMethod.Delete, HttpMethod.Head, HttpMethod.Options })
        {
            var answer = await _host.Anonymous.Send(method, "/v1/auth", headers: new Dictionary<string, string> { ["Authorization"] = "Bearer " + key });
            Assert.True(answer.Status == HttpStatusCode.OK, $"{method}: {answer.Status}");
            Assert.Equal(org, answer.Header("X-KeyGrains-Org-Id"));
        }
    }

    [Fact]
    public async Task NoKey_Answers401_WithBearerChallenge_AndCode()
    {
        var answer = (await _host.Auth()).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Equal("Bearer", answer.Response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("NOT_FOUND", answer.Header("X-KeyGrains-Code"));
        Assert.Null(answer.Header("X-KeyGrains-Org-Id"));
    }

    [Fact]
    public async Task UnknownKey_Answers401_NotFound()
    {
        var answer = (await _host.Auth(apiKey: "kg_nothing_here")).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Equal("NOT_FOUND", answer.Header("X-KeyGrains-Code"));
    }

    [Fact]
    public async Task TwoDifferentCredentials_Answer401()
    {
        var org = await _host.NewOrg();
        var first = (await _host.NewKey(org, ["viewer"])).Str("key");
        var second = (await _host.NewKey(org, ["viewer"])).Str("key");

        var answer = await _host.Anonymous.Send(HttpMethod.Get, "/v1/auth",
            headers: new Dictionary<string, string> { ["X-API-Key"] = first, ["Authorization"] = "Bearer " + second });

        answer.Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Null(answer.Header("X-KeyGrains-Key-Id"));
    }

    [Fact]
    public async Task RevokedKey_IsRefusedOnTheNextCall_WithoutNamingItsOrganization()
    {
        var org = await _host.NewOrg();
        var created = await _host.NewKey(org, ["viewer"]);
        (await _host.Auth(apiKey: created.Str("key"))).Ok();

        (await _host.Operator.Post($"/v1/orgs/{org}/keys/{created.Str("id")}/revoke")).Ok();
        var answer = (await _host.Auth(apiKey: created.Str("key"))).Problem(HttpStatusCode.Unauthorized, "unauthenticated");

        Assert.Equal("REVOKED", answer.Header("X-KeyGrains-Code"));
        Assert.Null(answer.Header("X-KeyGrains-Org-Id"));
        Assert.DoesNotContain(org, answer.Body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpiredKey_Answers401_Expired()
    {
        var org = await _host.NewOrg();
        var key = (await _host.NewKey(org, ["viewer"], expiresAt: DateTimeOffset.UtcNow.AddSeconds(2))).Str("key");
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        var answer = (await _host.Auth(apiKey: key)).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Equal("EXPIRED", answer.Header("X-KeyGrains-Code"));
    }

    [Fact]
    public async Task IpRules_UseThePeer_AndIgnoreForwardedHeadersFromAnUntrustedPeer()
    {
        var org = await _host.NewOrg();
        var elsewhere = (await _host.NewKey(org, ["viewer"], allowedIps: ["203.0.113.0/24"])).Str("key");
        var loopback = (await _host.NewKey(org, ["viewer"], allowedIps: ["127.0.0.1"])).Str("key");

        var refused = (await _host.Auth(apiKey: elsewhere, forwardedFor: "203.0.113.7", realIp: "203.0.113.7"))
            .Problem(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("IP_NOT_ALLOWED", refused.Header("X-KeyGrains-Code"));
        Assert.Null(refused.Header("X-KeyGrains-Org-Id"));
        Assert.Equal("VALID", (await _host.Auth(apiKey: loopback, forwardedFor: "203.0.113.7")).Ok().Header("X-KeyGrains-Code"));
    }

    [Fact]
    public async Task RequiredPermissions_ComeFromTheQuery()
    {
        var org = await _host.NewOrg();
        var viewer = (await _host.NewKey(org, ["viewer"])).Str("key");
        var editor = (await _host.NewKey(org, ["editor"])).Str("key");
        const string query = "?permission=clusters:read&permission=clusters:write";

        var refused = (await _host.Auth(query, apiKey: viewer)).Problem(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("INSUFFICIENT_PERMISSIONS", refused.Header("X-KeyGrains-Code"));
        (await _host.Auth("?permission=clusters:read", apiKey: viewer)).Ok();
        (await _host.Auth(query, apiKey: editor)).Ok();
    }

    [Theory]
    [InlineData("?PERMISSION=clusters%3Aread&other=1", HttpStatusCode.OK)]
    [InlineData("?x=%20&Permission=clusters:read&permission=clusters%3awrite", HttpStatusCode.Forbidden)]
    [InlineData("?other=permission&permission=clusters:write", HttpStatusCode.Forbidden)]
    public async Task PermissionNames_AreAnyCase_AndValuesDecoded(string query, HttpStatusCode expected)
    {
        var org = await _host.NewOrg();
        var viewer = (await _host.NewKey(org, ["viewer"])).Str("key");
        Assert.Equal(expected, (await _host.Auth(query, apiKey: viewer)).Status);
    }

    [Theory]
    [InlineData("?permission=clusters:*")]
    [InlineData("?permission=")]
    [InlineData("?permission=Clusters:read")]
    public async Task MalformedPermission_Answers400(string query)
    {
        var answer = (await _host.Auth(query, apiKey: "kg_anything")).Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(answer.Body.GetProperty("errors").TryGetProperty("permission", out _));
    }

    [Fact]
    public async Task MoreThan20Permissions_Answers400()
    {
        var query = "?" + string.Join('&', Enumerable.Range(0, 21).Select(i => $"permission=r{i}:read"));
        (await _host.Auth(query, apiKey: "kg_anything")).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }
}

/// <summary>Behind a trusted proxy (loopback here), with a small failure budget of its own.</summary>
public sealed class ForwardAuthProxyTests : IAsyncLifetime
{
    private const int FailureLimit = 3;
    private ApiHost _host = null!;

    public async Task InitializeAsync() => _host = await ApiHost.StartAsync(new Dictionary<string, string?>
    {
        ["Security:TrustedProxies:0"] = "127.0.0.1",
        ["Security:Throttling:FailureLimit"] = FailureLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ClientAddress_ComesFromForwardedForOrRealIp_OfATrustedPeer()
    {
        var org = await _host.NewOrg();
        var key = (await _host.NewKey(org, ["viewer"], allowedIps: ["203.0.113.0/24"])).Str("key");

        (await _host.Auth(apiKey: key, forwardedFor: "203.0.113.7")).Ok();
        (await _host.Auth(apiKey: key, realIp: "203.0.113.8")).Ok();

        // The first entry, when every later hop is a trusted proxy.
        (await _host.Auth(apiKey: key, forwardedFor: "203.0.113.9, 127.0.0.1")).Ok();
        var refused = (await _host.Auth(apiKey: key, forwardedFor: "198.51.100.1")).Problem(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("IP_NOT_ALLOWED", refused.Header("X-KeyGrains-Code"));
        Assert.Equal("IP_NOT_ALLOWED", (await _host.Auth(apiKey: key)).Header("X-KeyGrains-Code"));
    }

    [Theory]
    [InlineData("010.0.0.1")]
    [InlineData("not-an-address")]
    public async Task MalformedRealIp_FromATrustedPeer_Answers400(string realIp)
    {
        (await _host.Auth(apiKey: "kg_anything", realIp: realIp)).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task SourcePastItsBudget_Gets401NotA429_AndAValidKeyStillPasses()
    {
        var org = await _host.NewOrg();
        var key = (await _host.NewKey(org, ["viewer"])).Str("key");
        const string source = "198.51.100.77";

        for (var i = 0; i < FailureLimit + 2; i++)
        {
            var answer = (await _host.Auth(apiKey: "kg_forged_" + i, forwardedFor: source)).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
            Assert.Equal(i >= FailureLimit, answer.Response.Headers.RetryAfter is not null);
        }

        (await _host.Auth(apiKey: key, forwardedFor: source)).Ok();

        // Another client behind the same gateway has its own budget.
        Assert.Null((await _host.Auth(apiKey: "kg_forged", forwardedFor: "198.51.100.78")).Response.Headers.RetryAfter);
    }
}

internal static class ForwardAuthCalls
{
    public static Task<Answer> Auth(this ApiHost host, string query = "", string? apiKey = null, string? forwardedFor = null, string? realIp = null)
    {
        var headers = new Dictionary<string, string>();
        if (apiKey is not null)
        {
            headers["X-API-Key"] = apiKey;
        }

        if (forwardedFor is not null)
        {
            headers["X-Forwarded-For"] = forwardedFor;
        }

        if (realIp is not null)
        {
            headers["X-Real-IP"] = realIp;
        }

        return host.Anonymous.Send(HttpMethod.Get, "/v1/auth" + query, headers: headers);
    }

    public static string? Header(this Answer answer, string name) =>
        answer.Response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
