using System.Net;

namespace KeyGrains.Security.Tests;

/// <summary>
/// Throttling turns a source's further failures into cheap 429s and never refuses a request that
/// would succeed. A verification's source is the end client its caller reports in <c>ip</c>.
/// </summary>
[Collection(ProxyCollection.Name)]
public sealed class ThrottlingTests(ProxyFixture fixture)
{
    private readonly ApiHost _host = fixture.Host;

    [Fact]
    public async Task AGatewayRelayingOneClientsFailures_KeepsVerifyingEveryOtherClient_AndTheOperatorStillAnswers()
    {
        var org = await _host.NewOrg();
        var valid = (await _host.NewKey(org, ["viewer"])).Str("key");
        var revoked = await _host.NewKey(org, ["viewer"]);
        (await _host.Operator.Post($"/v1/orgs/{org}/keys/{revoked.Str("id")}/revoke")).Ok();
        var gatewayAddress = ProxyFixture.NewAddress();
        using var gateway = fixture.From(gatewayAddress);
        using var operatorOnGatewayHost = fixture.From(gatewayAddress, bearer: ApiHost.OperatorToken);
        var abuser = ProxyFixture.NewAddress();
        var customer = ProxyFixture.NewAddress();

        for (var i = 0; i < 1_000; i++)
        {
            var failure = await gateway.Post("/v1/keys/verify", new { key = i % 2 == 0 ? revoked.Str("key") : "kg_made_up", ip = abuser });
            if (i < ProxyFixture.FailureLimit)
            {
                Assert.NotEqual("VALID", failure.Ok().Str("code"));
            }
            else
            {
                failure.Problem(HttpStatusCode.TooManyRequests, "too_many_requests");
            }

            if (i % 100 == 0)
            {
                Assert.Equal("VALID", (await gateway.Post("/v1/keys/verify", new { key = valid, ip = customer })).Ok().Str("code"));
                Assert.Equal("VALID", (await gateway.Post("/v1/keys/verify", new { key = valid })).Ok().Str("code"));
                (await operatorOnGatewayHost.Get($"/v1/orgs/{org}")).Ok();
            }
        }
    }

    [Fact]
    public async Task AClientPastItsBudget_StillGetsItsValidKeyAnswered_AndAValidAdminCredentialThrough()
    {
        var org = await _host.NewOrg();
        var admin = (await _host.NewKey(org, ["admin"])).Str("key");
        var client = ProxyFixture.NewAddress();
        using var gateway = fixture.From(ProxyFixture.NewAddress());
        await Exhaust(gateway, client);

        // The contract: a request that would succeed is never 429, whatever came before.
        Assert.Equal("VALID", (await gateway.Post("/v1/keys/verify", new { key = admin, ip = client })).Ok().Str("code"));
        (await gateway.Post("/v1/keys/verify", new { key = Wrong(admin), ip = client })).Problem(HttpStatusCode.TooManyRequests, "too_many_requests");
        using var adminFromThere = fixture.From(client, apiKey: admin);
        (await adminFromThere.Get($"/v1/orgs/{org}/keys")).Ok();
        using var operatorFromThere = fixture.From(client, bearer: ApiHost.OperatorToken);
        (await operatorFromThere.Get($"/v1/orgs/{org}")).Ok();
        using var anonymous = fixture.From(client);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task EveryNonValidCode_Counts()
    {
        var org = await _host.NewOrg();
        var revoked = await _host.NewKey(org, ["viewer"]);
        (await _host.Operator.Post($"/v1/orgs/{org}/keys/{revoked.Str("id")}/revoke")).Ok();
        var fenced = (await _host.NewKey(org, ["viewer"], allowedIps: ["10.0.0.0/8"])).Str("key");
        var viewer = (await _host.NewKey(org, ["viewer"])).Str("key");
        var ip = ProxyFixture.NewAddress();
        using var gateway = fixture.From(ProxyFixture.NewAddress());

        Assert.Equal("REVOKED", (await gateway.Post("/v1/keys/verify", new { key = revoked.Str("key"), ip })).Str("code"));
        Assert.Equal("IP_NOT_ALLOWED", (await gateway.Post("/v1/keys/verify", new { key = fenced, ip })).Str("code"));
        Assert.Equal("INSUFFICIENT_PERMISSIONS", (await gateway.Post("/v1/keys/verify", new { key = viewer, ip, permissions = new[] { "a:write" } })).Str("code"));
        Assert.Equal("NOT_FOUND", (await gateway.Post("/v1/keys/verify", new { key = "kg_nonsense", ip })).Str("code"));
        Assert.Equal("NOT_FOUND", (await gateway.Post("/v1/keys/verify", new { key = Wrong(viewer), ip })).Str("code"));
        (await gateway.Post("/v1/keys/verify", new { key = Wrong(viewer), ip })).Problem(HttpStatusCode.TooManyRequests, "too_many_requests");
        Assert.Equal("VALID", (await gateway.Post("/v1/keys/verify", new { key = viewer, ip })).Ok().Str("code"));
    }

    [Fact]
    public async Task AVerificationWithoutIp_IsNeverThrottled()
    {
        using var platformService = fixture.From(ProxyFixture.NewAddress());
        for (var i = 0; i < ProxyFixture.FailureLimit * 4; i++)
        {
            Assert.Equal("NOT_FOUND", (await platformService.Post("/v1/keys/verify", new { key = "kg_wrong" })).Ok().Str("code"));
        }
    }

    [Fact]
    public async Task RefusedAdminCalls_401_403_AndOtherOrganizations404_CountAgainstTheirSource()
    {
        var org = await _host.NewOrg();
        var other = await _host.NewOrg();
        var viewer = (await _host.NewKey(org, ["viewer"])).Str("key");
        var admin = (await _host.NewKey(org, ["admin"])).Str("key");
        var address = ProxyFixture.NewAddress();
        using var wrongOperator = fixture.From(address, bearer: "kgop_guess");
        using var viewerClient = fixture.From(address, apiKey: viewer);
        using var adminClient = fixture.From(address, apiKey: admin);

        (await wrongOperator.Get($"/v1/orgs/{org}")).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        (await viewerClient.Get($"/v1/orgs/{org}/keys")).Problem(HttpStatusCode.Forbidden, "forbidden");
        for (var i = 2; i < ProxyFixture.FailureLimit; i++)
        {
            (await adminClient.Get($"/v1/orgs/{other}/keys")).Problem(HttpStatusCode.NotFound, "not_found");
        }

        (await wrongOperator.Get($"/v1/orgs/{org}")).Problem(HttpStatusCode.TooManyRequests, "too_many_requests");
        (await viewerClient.Get($"/v1/orgs/{org}/keys")).Problem(HttpStatusCode.TooManyRequests, "too_many_requests");
        (await adminClient.Get($"/v1/orgs/{org}/keys")).Ok();
        using var rightOperator = fixture.From(address, bearer: ApiHost.OperatorToken);
        (await rightOperator.Get($"/v1/orgs/{org}")).Ok();
    }

    [Fact]
    public async Task SuccessfulCalls_NeverUseTheBudget()
    {
        var org = await _host.NewOrg();
        var admin = (await _host.NewKey(org, ["admin"])).Str("key");
        var address = ProxyFixture.NewAddress();
        using var gateway = fixture.From(address);
        using var adminClient = fixture.From(address, apiKey: admin);

        for (var i = 0; i < ProxyFixture.FailureLimit * 4; i++)
        {
            Assert.Equal("VALID", (await gateway.Post("/v1/keys/verify", new { key = admin, ip = address })).Ok().Str("code"));
            (await adminClient.Get($"/v1/orgs/{org}/keys")).Ok();
        }

        await Exhaust(gateway, address);
    }

    [Fact]
    public async Task IPv6Clients_AreCountedByTheir64()
    {
        var prefix = $"2001:db8:{Random.Shared.Next(1, 0xffff):x}:{Random.Shared.Next(1, 0xffff):x}";
        using var gateway = fixture.From(ProxyFixture.NewAddress());
        await Exhaust(gateway, prefix + "::1");
        (await gateway.Post("/v1/keys/verify", new { key = "kg_x", ip = prefix + ":ffff:ffff:ffff:ffff" })).Problem(HttpStatusCode.TooManyRequests, "too_many_requests");
        var otherNetwork = $"2001:db8:{Random.Shared.Next(1, 0xffff):x}::1";
        Assert.Equal("NOT_FOUND", (await gateway.Post("/v1/keys/verify", new { key = "kg_x", ip = otherNetwork })).Ok().Str("code"));
    }

    [Fact]
    public async Task ExemptNetworks_AreNeverThrottled()
    {
        using var gateway = fixture.From(ProxyFixture.NewAddress());
        for (var i = 0; i < ProxyFixture.FailureLimit * 3; i++)
        {
            Assert.Equal("NOT_FOUND", (await gateway.Post("/v1/keys/verify", new { key = "kg_x", ip = "192.0.2.10" })).Ok().Str("code"));
        }
    }

    private static async Task Exhaust(HttpClient gateway, string ip)
    {
        for (var i = 0; i < ProxyFixture.FailureLimit; i++)
        {
            Assert.Equal("NOT_FOUND", (await gateway.Post("/v1/keys/verify", new { key = "kg_wrong", ip })).Ok().Str("code"));
        }

        (await gateway.Post("/v1/keys/verify", new { key = "kg_wrong", ip })).Problem(HttpStatusCode.TooManyRequests, "too_many_requests");
    }

    /// <summary>A well-formed key for the same id with another secret: a guess that passes the checksum.</summary>
    private static string Wrong(string key)
    {
        ApiKeyFormat.TryReadId(key, out var id);
        return KeyTagger.Legacy.NewKey(id.ToString());
    }
}
