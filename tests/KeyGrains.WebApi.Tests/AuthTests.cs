using System.Net;

namespace KeyGrains.WebApi.Tests;

/// <summary>
/// How a request authenticates: which credentials, in which headers, and how soon a change to a
/// key takes effect. Every refused credential on every admin route is the security suite's
/// TenantIsolationMatrixTests.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AuthTests(ApiFixture fixture)
{
    private readonly ApiHost _host = fixture.Host;

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

    // Revoked and expired keys, and an IP-blocked one on every route, are rows of the security
    // suite's TenantIsolationMatrixTests; here, the allowed address is the other half of the rule.
    [Fact]
    public async Task IpRestrictedKey_PassesFromAnAllowedAddress_AndGets401FromAnotherOne()
    {
        var org = await _host.NewOrg();
        var blocked = await _host.NewKey(org, ["admin"], allowedIps: ["10.0.0.0/8"]);
        var allowed = await _host.NewKey(org, ["admin"], allowedIps: ["127.0.0.1"]);

        using var refused = _host.Client(apiKey: blocked.Str("key"));
        (await refused.Get($"/v1/orgs/{org}/keys")).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
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
}
