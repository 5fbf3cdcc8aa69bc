using System.Net;

namespace KeyGrains.WebApi.Tests;

[Collection(ApiCollection.Name)]
public sealed class AuthTests(ApiFixture fixture)
{
    private readonly ApiHost _host = fixture.Host;

    /// <summary>Every admin route of org <c>{0}</c>, with key id <c>{1}</c>.</summary>
    public static readonly (string Method, string Path, string? Body)[] AdminRoutes =
    [
        ("GET", "/v1/orgs/{0}", null),
        ("GET", "/v1/orgs/{0}/roles", null),
        ("PUT", "/v1/orgs/{0}/roles/ops", """{"permissions":["a:b"]}"""),
        ("DELETE", "/v1/orgs/{0}/roles/ops", null),
        ("POST", "/v1/orgs/{0}/keys", """{"roles":["viewer"]}"""),
        ("GET", "/v1/orgs/{0}/keys", null),
        ("GET", "/v1/orgs/{0}/keys/{1}", null),
        ("PATCH", "/v1/orgs/{0}/keys/{1}", """{"name":"x"}"""),
        ("POST", "/v1/orgs/{0}/keys/{1}/revoke", null),
        ("POST", "/v1/orgs/{0}/keys/{1}/rotate", null),
        ("DELETE", "/v1/orgs/{0}/keys/{1}", null),
        ("GET", "/v1/orgs/{0}/audit", null),
    ];

    [Fact]
    public async Task OtherOrgsAdminKey_Gets404OnEveryAdminRoute_WithNoSideEffect()
    {
        var victim = await _host.NewOrg();
        var victimKey = await _host.NewKey(victim, ["viewer"]);
        var attacker = await _host.NewOrg();
        using var admin = await _host.AdminClient(attacker);

        foreach (var (method, path, body) in AdminRoutes)
        {
            var answer = await admin.Send(new HttpMethod(method), string.Format(path, victim, victimKey.Str("id")), body);
            answer.Problem(HttpStatusCode.NotFound, "not_found");
        }

        (await admin.Patch($"/v1/orgs/{victim}", new { keyLimit = 1 })).Problem(HttpStatusCode.NotFound, "not_found");
        Assert.Equal("VALID", (await _host.Verify(victimKey.Str("key"))).Str("code"));
        Assert.Equal(1, (await _host.Operator.Get($"/v1/orgs/{victim}")).Body.GetProperty("activeKeyCount").GetInt32());
    }

    [Theory]
    [InlineData("viewer")]
    [InlineData("editor")]
    public async Task NonAdminKey_Gets403OnEveryAdminRoute(string role)
    {
        var org = await _host.NewOrg();
        var target = await _host.NewKey(org, ["viewer"]);
        using var client = _host.Client(apiKey: (await _host.NewKey(org, [role])).Str("key"));

        foreach (var (method, path, body) in AdminRoutes)
        {
            (await client.Send(new HttpMethod(method), string.Format(path, org, target.Str("id")), body)).Problem(HttpStatusCode.Forbidden, "forbidden");
        }

        Assert.Equal("active", (await _host.Operator.Get($"/v1/orgs/{org}/keys/{target.Str("id")}")).Str("status"));
    }

    [Fact]
    public async Task AdminKey_ManagesItsOwnOrg()
    {
        var org = await _host.NewOrg();
        using var admin = await _host.AdminClient(org);
        (await admin.Put($"/v1/orgs/{org}/roles/ops", new { permissions = new[] { "a:b" } })).Ok();
        var key = await _host.NewKey(org, ["ops"], by: admin);
        (await admin.Post($"/v1/orgs/{org}/keys/{key.Str("id")}/revoke")).Ok();
        (await admin.Get($"/v1/orgs/{org}/audit")).Ok();
    }

    [Fact]
    public async Task NoCredential_WrongOperatorToken_MalformedKey_Get401()
    {
        var org = await _host.NewOrg();
        (await _host.Anonymous.Get($"/v1/orgs/{org}")).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        using var wrong = _host.Client(bearer: "kgop_wrong");
        (await wrong.Get($"/v1/orgs/{org}")).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        (await wrong.Post("/v1/orgs", new { name = "x" })).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        using var malformed = _host.Client(apiKey: "kg_garbage");
        (await malformed.Get($"/v1/orgs/{org}")).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task RevokedExpiredOrIpBlockedKey_Gets401()
    {
        var org = await _host.NewOrg();
        var revoked = await _host.NewKey(org, ["admin"]);
        (await _host.Operator.Post($"/v1/orgs/{org}/keys/{revoked.Str("id")}/revoke")).Ok();
        var expiring = await _host.NewKey(org, ["admin"], expiresAt: DateTimeOffset.UtcNow.AddSeconds(1));
        var blocked = await _host.NewKey(org, ["admin"], allowedIps: ["10.0.0.0/8"]);
        var allowed = await _host.NewKey(org, ["admin"], allowedIps: ["127.0.0.1"]);
        await Task.Delay(1200);

        foreach (var key in new[] { revoked, expiring, blocked })
        {
            using var client = _host.Client(apiKey: key.Str("key"));
            (await client.Get($"/v1/orgs/{org}/keys")).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        }

        using var ok = _host.Client(apiKey: allowed.Str("key"));
        (await ok.Get($"/v1/orgs/{org}/keys")).Ok();
    }

    [Fact]
    public async Task BearerApiKey_Works_AndTwoDifferentCredentials_Get401()
    {
        var org = await _host.NewOrg();
        var key = (await _host.NewKey(org, ["admin"])).Str("key");
        var other = (await _host.NewKey(org, ["admin"])).Str("key");

        using var bearer = _host.Client(bearer: key);
        (await bearer.Get($"/v1/orgs/{org}/keys")).Ok();
        using var same = _host.Client(bearer: key, apiKey: key);
        (await same.Get($"/v1/orgs/{org}/keys")).Ok();
        using var different = _host.Client(bearer: other, apiKey: key);
        (await different.Get($"/v1/orgs/{org}/keys")).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        using var mixed = _host.Client(bearer: ApiHost.OperatorToken, apiKey: key);
        (await mixed.Get($"/v1/orgs/{org}/keys")).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task RevokingTheAdminKey_RefusesItsVeryNextCall()
    {
        var org = await _host.NewOrg();
        var admin = await _host.NewKey(org, ["admin"]);
        using var client = _host.Client(apiKey: admin.Str("key"));
        (await client.Get($"/v1/orgs/{org}/keys")).Ok();
        (await client.Post($"/v1/orgs/{org}/keys/{admin.Str("id")}/revoke")).Ok();
        (await client.Get($"/v1/orgs/{org}/keys")).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task RefusedAdminCalls_AreAudited_WithoutTheSecret()
    {
        var org = await _host.NewOrg();
        var viewer = (await _host.NewKey(org, ["viewer"])).Str("key");
        var otherOrg = await _host.NewOrg();
        var outsider = (await _host.NewKey(otherOrg, ["admin"])).Str("key");
        using (var c = _host.Client(apiKey: viewer)) { await c.Get($"/v1/orgs/{org}/keys"); }
        using (var c = _host.Client(apiKey: outsider)) { await c.Get($"/v1/orgs/{org}/keys"); }
        using (var c = _host.Client(bearer: "kgop_wrong-token")) { await c.Get($"/v1/orgs/{org}/keys"); }

        var refusals = await _host.RefusalEvents(org, 3);
        var audit = (await _host.Operator.Get($"/v1/orgs/{org}/audit")).Ok().Body.ToString();
        Assert.All(refusals, e => Assert.Equal("127.0.0.1", e.GetProperty("sourceIp").GetString()));
        Assert.DoesNotContain(viewer, audit);
        Assert.DoesNotContain(outsider, audit);
        Assert.DoesNotContain("kgop_wrong-token", audit);
    }
}
