using System.Net;

namespace KeyGrains.Integrations.Tests;

// The server's own NewKey (namespace KeyGrains) would win over the SDK's here.
using NewKey = KeyGrains.Client.NewKey;

/// <summary>The shipped nginx and Caddy configurations, in front of a real KeyGrains.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayTests(Gateways gateways)
{
    private readonly Server _server = gateways.Server;

    [Theory]
    [InlineData("nginx")]
    [InlineData("caddy")]
    public async Task ValidKey_UpstreamSeesKeyIdOrgAndRoles_ButNotTheKey(string gateway)
    {
        var org = await _server.NewOrgAsync();
        var key = await _server.NewKeyAsync(org, ["viewer", "editor"]);

        var (status, seen) = await Gateways.SendAsync(gateways.Clients[gateway], "/things", ("X-API-Key", key.Secret));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(key.Id, seen["X-KeyGrains-Key-Id"]);
        Assert.Equal(org, seen["X-KeyGrains-Org-Id"]);
        Assert.Equal(["editor", "viewer"], seen["X-KeyGrains-Roles"].Split(',').Order());
        Assert.False(seen.ContainsKey("X-API-Key") && seen["X-API-Key"].Length > 0, "the secret stops at the gateway");
    }

    [Theory]
    [InlineData("nginx")]
    [InlineData("caddy")]
    public async Task NoKey_And_RevokedKey_Get401AtTheGateway_OnTheNextCall(string gateway)
    {
        var org = await _server.NewOrgAsync();
        var key = await _server.NewKeyAsync(org, ["viewer"]);
        var client = gateways.Clients[gateway];

        Assert.Equal(HttpStatusCode.Unauthorized, (await Gateways.SendAsync(client, "/things")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Gateways.SendAsync(client, "/things", ("Authorization", "Bearer " + key.Secret))).Status);
        await _server.Operator.RevokeKeyAsync(org, key.Id);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Gateways.SendAsync(client, "/things", ("Authorization", "Bearer " + key.Secret))).Status);
    }

    [Theory]
    [InlineData("nginx")]
    [InlineData("caddy")]
    public async Task IpRules_ApplyToTheAddressTheGatewayReports_NotToOneTheClientClaims(string gateway)
    {
        var org = await _server.NewOrgAsync();
        var here = await _server.NewKeyAsync(org, ["viewer"], allowedIps: ["127.0.0.1"]);
        var elsewhere = await _server.NewKeyAsync(org, ["viewer"], allowedIps: ["203.0.113.0/24"]);
        var client = gateways.Clients[gateway];
        (string, string)[] claims = [("X-Forwarded-For", "203.0.113.5"), ("X-Real-IP", "203.0.113.5")];

        Assert.Equal(HttpStatusCode.OK, (await Gateways.SendAsync(client, "/things", [("X-API-Key", here.Secret), .. claims])).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Gateways.SendAsync(client, "/things", [("X-API-Key", elsewhere.Secret), .. claims])).Status);
    }

    [Theory]
    [InlineData("nginx")]
    [InlineData("caddy")]
    public async Task ALocationsRequiredPermission_Gives403WithoutIt(string gateway)
    {
        var org = await _server.NewOrgAsync();
        var viewer = await _server.NewKeyAsync(org, ["viewer"]);
        var editor = await _server.NewKeyAsync(org, ["editor"]);
        var client = gateways.Clients[gateway];

        Assert.Equal(HttpStatusCode.Forbidden, (await Gateways.SendAsync(client, "/clusters/c1", ("X-API-Key", viewer.Secret))).Status);
        Assert.Equal(HttpStatusCode.OK, (await Gateways.SendAsync(client, "/other", ("X-API-Key", viewer.Secret))).Status);
        Assert.Equal(HttpStatusCode.OK, (await Gateways.SendAsync(client, "/clusters/c1", ("X-API-Key", editor.Secret))).Status);
    }

    [Theory]
    [InlineData("nginx")]
    [InlineData("caddy")]
    public async Task ClientSentIdentityHeaders_NeverReachTheUpstream(string gateway)
    {
        var org = await _server.NewOrgAsync();
        var key = await _server.NewKeyAsync(org, ["viewer"]);
        var client = gateways.Clients[gateway];

        var (status, seen) = await Gateways.SendAsync(client, "/things",
            ("X-API-Key", key.Secret), ("X-KeyGrains-Org-Id", "victim-org"), ("X-KeyGrains-Key-Id", "forged"), ("X-KeyGrains-Roles", "admin"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(org, seen["X-KeyGrains-Org-Id"]);
        Assert.Equal(key.Id, seen["X-KeyGrains-Key-Id"]);
        Assert.Equal("viewer", seen["X-KeyGrains-Roles"]);
        Assert.DoesNotContain(seen.Values, v => v.Contains("victim-org", StringComparison.Ordinal));
    }
}
