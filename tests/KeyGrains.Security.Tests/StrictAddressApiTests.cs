using System.Net;
using CsCheck;
using Microsoft.Extensions.DependencyInjection;

namespace KeyGrains.Security.Tests;

/// <summary>
/// Through HTTP, an IPv4 address has one spelling everywhere it is taken (allowed IPs on create and
/// on change, the verification <c>ip</c>), and rules come back in their canonical form.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class StrictAddressApiTests(ApiFixture fixture)
{
    private readonly ApiHost _host = fixture.Host;

    [Fact]
    public async Task OtherIPv4Spellings_Are400_OnCreateChangeAndVerify()
    {
        var org = await _host.NewOrg();
        var key = await _host.NewKey(org, allowedIps: ["192.0.2.0/24"]);
        var path = $"/v1/orgs/{org}/keys/{key.Str("id")}";

        await StrictAddressProperties.OtherIPv4Spelling.SampleAsync(async spelling =>
        {
            Refused(await _host.Operator.Post($"/v1/orgs/{org}/keys", new { roles = new[] { "admin" }, allowedIps = new[] { spelling } }), "allowedIps");
            Refused(await _host.Operator.Patch(path, new { allowedIps = new[] { "10.0.0.0/8", spelling } }), "allowedIps");
            Refused(await _host.Verify(key.Str("key"), spelling), "ip");
        }, iter: 300, threads: 2);

        Assert.Equal(["192.0.2.0/24"], AllowedIps((await _host.Operator.Get(path)).Ok()));
        Assert.Equal(1, (await _host.Operator.Get($"/v1/orgs/{org}/keys")).Ok().Body.GetProperty("items").GetArrayLength());
    }

    /// <summary>The attack: 010.0.0.0/8 was read as 8.0.0.0/8, so the key verified from 8.8.8.8 and not from 10.1.2.3.</summary>
    [Fact]
    public async Task OctalRule_Is400_AndTheDecimalRuleAdmitsTheNetworkItNames()
    {
        var org = await _host.NewOrg();

        Refused(await _host.Operator.Post($"/v1/orgs/{org}/keys", new { roles = new[] { "admin" }, allowedIps = new[] { "010.0.0.0/8" } }), "allowedIps");
        var key = (await _host.NewKey(org, allowedIps: ["10.0.0.0/8"])).Str("key");

        Assert.Equal("VALID", (await _host.Verify(key, "10.1.2.3")).Str("code"));
        Assert.Equal("IP_NOT_ALLOWED", (await _host.Verify(key, "8.8.8.8")).Str("code"));
        Refused(await _host.Verify(key, "010.1.2.3"), "ip");
    }

    [Fact]
    public async Task Rules_AreStoredAndReturnedCanonical_WithoutRepeats()
    {
        var org = await _host.NewOrg();

        Refused(await _host.Operator.Post($"/v1/orgs/{org}/keys", new { roles = new[] { "admin" }, allowedIps = new[] { "2001:DB8:0:0::/32", "192.168.001.0/24" } }), "allowedIps");
        var created = await _host.NewKey(org, allowedIps: ["2001:DB8::/32", "10.0.0.0/8", "10.0.0.0/8"]);
        var path = $"/v1/orgs/{org}/keys/{created.Str("id")}";
        var changed = (await _host.Operator.Patch(path, new { allowedIps = new[] { "::FFFF:192.0.2.7", "192.0.2.7/32", "2001:DB8::1" } })).Ok();

        Assert.Equal(["2001:db8::/32", "10.0.0.0/8"], AllowedIps(created));
        Assert.Equal(["192.0.2.7", "2001:db8::1"], AllowedIps(changed));
        Assert.Equal(["192.0.2.7", "2001:db8::1"], AllowedIps((await _host.Operator.Get(path)).Ok()));
    }

    [Fact]
    public async Task BlockWithHostBitsSet_Is400_NamingTheCanonicalBlock_AsTheGrainDoes()
    {
        var org = await _host.NewOrg();
        var grain = _host.Services.GetRequiredService<IGrainFactory>().GetGrain<IOrganizationGrain>(org);

        var http = Refused(await _host.Operator.Post($"/v1/orgs/{org}/keys", new { roles = new[] { "admin" }, allowedIps = new[] { "10.1.2.3/8" } }), "allowedIps");
        var thrown = await Assert.ThrowsAsync<DomainException>(() => grain.CreateKey(new CreateKey("", null, ["admin"], null, ["10.1.2.3/8"]), Caller.Operator()));

        Assert.Contains("did you mean 10.0.0.0/8?", http);
        Assert.Equal(thrown.Message, http);
    }

    private static string Refused(Answer answer, string field) =>
        answer.Problem(HttpStatusCode.BadRequest, "validation_failed").Body.GetProperty("errors").GetProperty(field)[0].GetString()!;

    private static string[] AllowedIps(Answer answer) =>
        [.. answer.Body.GetProperty("allowedIps").EnumerateArray().Select(e => e.GetString()!)];
}
