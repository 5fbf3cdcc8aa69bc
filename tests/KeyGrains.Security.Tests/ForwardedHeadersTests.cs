using System.Net;

namespace KeyGrains.Security.Tests;

/// <summary>Behind a trusted proxy the forwarded client is the address of IP rules, audit and throttling.</summary>
[Collection(ProxyCollection.Name)]
public sealed class TrustedProxyTests(ProxyFixture fixture)
{
    private readonly ApiHost _host = fixture.Host;

    [Fact]
    public async Task ForwardedClient_IsTheAddressOfIpRules_AndOfTheAudit()
    {
        var org = await _host.NewOrg();
        var fenced = (await _host.NewKey(org, ["admin"], allowedIps: ["203.0.113.7"])).Str("key");

        using var allowed = fixture.From("203.0.113.7", apiKey: fenced);
        (await allowed.Get($"/v1/orgs/{org}/keys")).Ok();
        using var direct = _host.Client(apiKey: fenced);
        (await direct.Get($"/v1/orgs/{org}/keys")).Problem(HttpStatusCode.Unauthorized, "unauthenticated");

        using var refused = fixture.From("203.0.113.99", bearer: "kgop_wrong");
        (await refused.Get($"/v1/orgs/{org}/keys")).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
        var sources = (await _host.RefusalEvents(org, 2)).Select(e => e.GetProperty("sourceIp").GetString()!).ToArray();
        Assert.Equal(new[] { "127.0.0.1", "203.0.113.99" }, sources.Order().ToArray());
    }

    [Fact]
    public async Task AddressesWrittenLeftOfTheProxy_AreNotBelieved()
    {
        var org = await _host.NewOrg();
        var fenced = (await _host.NewKey(org, ["admin"], allowedIps: ["203.0.113.7"])).Str("key");

        // The proxy appends the real peer: whatever the caller wrote before it is the caller's claim.
        using var spoofer = fixture.From("203.0.113.7, 198.51.100.9", apiKey: fenced);
        (await spoofer.Get($"/v1/orgs/{org}/keys")).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
    }
}

/// <summary>With no trusted proxy configured (the default), <c>X-Forwarded-For</c> is ignored.</summary>
[Collection(ApiCollection.Name)]
public sealed class UntrustedForwardedHeaderTests(ApiFixture fixture)
{
    private readonly ApiHost _host = fixture.Host;

    [Fact]
    public async Task ForwardedFor_FromAnUntrustedPeer_IsIgnored_ForIpRulesAndAudit()
    {
        var org = await _host.NewOrg();
        var fenced = (await _host.NewKey(org, ["admin"], allowedIps: ["203.0.113.7"])).Str("key");
        using var spoofer = _host.Client(apiKey: fenced);
        spoofer.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");
        (await spoofer.Get($"/v1/orgs/{org}/keys")).Problem(HttpStatusCode.Unauthorized, "unauthenticated");

        var refusal = (await _host.RefusalEvents(org, 1)).Single();
        Assert.Equal("127.0.0.1", refusal.GetProperty("sourceIp").GetString());
    }
}
