using System.Net;

namespace KeyGrains.WebApi.Tests;

/// <summary>Stop the service, start it again on the same SQLite file: everything is as it was.</summary>
public sealed class DurabilityTests
{
    [Fact]
    public async Task Restart_OnSameSqliteFile_KeepsOrgsRolesKeysLimitsAndAudit()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:SqlitePath"] = Path.Combine(Path.GetTempPath(), "keygrains-webapi-tests", Guid.NewGuid().ToString("N") + ".db"),
            ["Orleans:SiloPort"] = ApiHost.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = ApiHost.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

        string org, activeKey, revokedKey, keyId;
        string auditBefore;
        await using (var first = await ApiHost.StartAsync(settings))
        {
            org = await first.NewOrg(keyLimit: 4);
            (await first.Operator.Put($"/v1/orgs/{org}/roles/ops", new { permissions = new[] { "clusters:read" } })).Ok();
            var active = await first.NewKey(org, ["ops"], name: "kept");
            activeKey = active.Str("key");
            keyId = active.Str("id");
            var revoked = await first.NewKey(org, ["viewer"]);
            revokedKey = revoked.Str("key");
            (await first.Operator.Post($"/v1/orgs/{org}/keys/{revoked.Str("id")}/revoke")).Ok();
            auditBefore = (await first.Operator.Get($"/v1/orgs/{org}/audit?limit=200")).Ok().Body.GetProperty("items").ToString();
        }

        await using var second = await ApiHost.StartAsync(settings);
        var orgAfter = (await second.Operator.Get($"/v1/orgs/{org}")).Ok();
        Assert.Equal(4, orgAfter.Body.GetProperty("keyLimit").GetInt32());
        Assert.Equal(1, orgAfter.Body.GetProperty("activeKeyCount").GetInt32());
        Assert.Equal("kept", (await second.Operator.Get($"/v1/orgs/{org}/keys/{keyId}")).Ok().Str("name"));
        Assert.Contains("ops", (await second.Operator.Get($"/v1/orgs/{org}/roles")).Ok().Body.ToString());
        Assert.Equal("VALID", (await second.Verify(activeKey, permissions: ["clusters:read"])).Str("code"));
        Assert.Equal("REVOKED", (await second.Verify(revokedKey)).Str("code"));
        Assert.Equal(auditBefore, (await second.Operator.Get($"/v1/orgs/{org}/audit?limit=200")).Ok().Body.GetProperty("items").ToString());
        (await second.Operator.Post("/v1/orgs", new { id = org, name = "again" })).Problem(HttpStatusCode.Conflict, "conflict");
    }
}
