using System.Net;

namespace KeyGrains.Security.Tests;

[Collection(ProxyCollection.Name)]
public sealed class ThrottlingTests(ProxyFixture fixture)
{
    private readonly ApiHost _host = fixture.Host;

    [Fact]
    public async Task ManyWrongKeys_FromOneAddress_Get429_WhileAValidKeyFromAnotherAddressKeepsVerifying()
    {
        var org = await _host.NewOrg();
        var valid = (await _host.NewKey(org, ["viewer"])).Str("key");
        using var attacker = fixture.From(ProxyFixture.NewAddress());
        using var customer = fixture.From(ProxyFixture.NewAddress());

        for (var i = 0; i < ProxyFixture.FailureLimit; i++)
        {
            Assert.Equal("NOT_FOUND", (await attacker.Post("/v1/keys/verify", new { key = Wrong(valid) })).Ok().Str("code"));
            Assert.Equal("VALID", (await customer.Post("/v1/keys/verify", new { key = valid })).Ok().Str("code"));
        }

        for (var i = 0; i < 20; i++)
        {
            var refused = (await attacker.Post("/v1/keys/verify", new { key = Wrong(valid) })).Problem(HttpStatusCode.TooManyRequests, "too_many_requests");
            Assert.InRange(int.Parse(refused.Response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
            Assert.Equal("VALID", (await customer.Post("/v1/keys/verify", new { key = valid })).Ok().Str("code"));
        }
    }

    [Fact]
    public async Task EveryNonValidCode_Counts()
    {
        var org = await _host.NewOrg();
        var revoked = await _host.NewKey(org, ["viewer"]);
        (await _host.Operator.Post($"/v1/orgs/{org}/keys/{revoked.Str("id")}/revoke")).Ok();
        var fenced = (await _host.NewKey(org, ["viewer"], allowedIps: ["10.0.0.0/8"])).Str("key");
        var viewer = (await _host.NewKey(org, ["viewer"])).Str("key");
        using var client = fixture.From(ProxyFixture.NewAddress());

        Assert.Equal("REVOKED", (await client.Post("/v1/keys/verify", new { key = revoked.Str("key") })).Str("code"));
        Assert.Equal("IP_NOT_ALLOWED", (await client.Post("/v1/keys/verify", new { key = fenced, ip = "192.168.1.1" })).Str("code"));
        Assert.Equal("INSUFFICIENT_PERMISSIONS", (await client.Post("/v1/keys/verify", new { key = viewer, permissions = new[] { "a:write" } })).Str("code"));
        Assert.Equal("NOT_FOUND", (await client.Post("/v1/keys/verify", new { key = "kg_nonsense" })).Str("code"));
        Assert.Equal("NOT_FOUND", (await client.Post("/v1/keys/verify", new { key = Wrong(viewer) })).Str("code"));
        (await client.Post("/v1/keys/verify", new { key = viewer })).Problem(HttpStatusCode.TooManyRequests, "too_many_requests");
    }

    [Fact]
    public async Task ThrottledAddress_IsRefusedEverythingUnderV1_EvenAValidKey_ButHealthAnswers()
    {
        var org = await _host.NewOrg();
        var admin = (await _host.NewKey(org, ["admin"])).Str("key");
        var address = ProxyFixture.NewAddress();
        using var anonymous = fixture.From(address);
        await Exhaust(anonymous);

        // Answering a valid key here would tell a guesser which guess was right: 429 is all it gets.
        (await anonymous.Post("/v1/keys/verify", new { key = admin })).Problem(HttpStatusCode.TooManyRequests, "too_many_requests");
        using var adminClient = fixture.From(address, apiKey: admin);
        (await adminClient.Get($"/v1/orgs/{org}/keys")).Problem(HttpStatusCode.TooManyRequests, "too_many_requests");
        using var operatorClient = fixture.From(address, bearer: ApiHost.OperatorToken);
        (await operatorClient.Get($"/v1/orgs/{org}")).Problem(HttpStatusCode.TooManyRequests, "too_many_requests");
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task FailedAdminAuthentications_CountTowardsTheBudget()
    {
        var org = await _host.NewOrg();
        var address = ProxyFixture.NewAddress();
        using var wrongOperator = fixture.From(address, bearer: "kgop_guess");
        for (var i = 0; i < ProxyFixture.FailureLimit; i++)
        {
            (await wrongOperator.Get($"/v1/orgs/{org}")).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        }

        (await wrongOperator.Get($"/v1/orgs/{org}")).Problem(HttpStatusCode.TooManyRequests, "too_many_requests");
        using var rightOperator = fixture.From(ProxyFixture.NewAddress(), bearer: ApiHost.OperatorToken);
        (await rightOperator.Get($"/v1/orgs/{org}")).Ok();
    }

    [Fact]
    public async Task SuccessfulCalls_NeverUseTheBudget_AndRefusalsThatAreNotAuthenticationDoNotEither()
    {
        var org = await _host.NewOrg();
        var admin = (await _host.NewKey(org, ["admin"])).Str("key");
        var viewer = (await _host.NewKey(org, ["viewer"])).Str("key");
        var address = ProxyFixture.NewAddress();
        using var anonymous = fixture.From(address);
        using var adminClient = fixture.From(address, apiKey: admin);
        using var viewerClient = fixture.From(address, apiKey: viewer);

        for (var i = 0; i < ProxyFixture.FailureLimit * 4; i++)
        {
            Assert.Equal("VALID", (await anonymous.Post("/v1/keys/verify", new { key = admin })).Ok().Str("code"));
            (await adminClient.Get($"/v1/orgs/{org}/keys")).Ok();
            (await viewerClient.Get($"/v1/orgs/{org}/keys")).Problem(HttpStatusCode.Forbidden, "forbidden");
        }

        await Exhaust(anonymous);
    }

    [Fact]
    public async Task IPv6Clients_AreCountedByTheir64()
    {
        var prefix = $"2001:db8:{Random.Shared.Next(1, 0xffff):x}:{Random.Shared.Next(1, 0xffff):x}";
        using var first = fixture.From(prefix + "::1");
        await Exhaust(first);
        using var sameNetwork = fixture.From(prefix + ":ffff:ffff:ffff:ffff");
        (await sameNetwork.Post("/v1/keys/verify", new { key = "kg_x" })).Problem(HttpStatusCode.TooManyRequests, "too_many_requests");
        using var otherNetwork = fixture.From($"2001:db8:{Random.Shared.Next(1, 0xffff):x}::1");
        Assert.Equal("NOT_FOUND", (await otherNetwork.Post("/v1/keys/verify", new { key = "kg_x" })).Ok().Str("code"));
    }

    [Fact]
    public async Task ExemptNetworks_AreNeverThrottled()
    {
        using var gateway = fixture.From("192.0.2.10");
        for (var i = 0; i < ProxyFixture.FailureLimit * 3; i++)
        {
            Assert.Equal("NOT_FOUND", (await gateway.Post("/v1/keys/verify", new { key = "kg_x" })).Ok().Str("code"));
        }
    }

    private static async Task Exhaust(HttpClient client)
    {
        for (var i = 0; i < ProxyFixture.FailureLimit; i++)
        {
            Assert.Equal("NOT_FOUND", (await client.Post("/v1/keys/verify", new { key = "kg_wrong" })).Ok().Str("code"));
        }

        (await client.Post("/v1/keys/verify", new { key = "kg_wrong" })).Problem(HttpStatusCode.TooManyRequests, "too_many_requests");
    }

    /// <summary>A well-formed key for the same id with another secret: a guess that passes the checksum.</summary>
    private static string Wrong(string key)
    {
        ApiKeyFormat.TryParse(key, out var id);
        return ApiKeyFormat.NewKey(id.ToString());
    }
}
