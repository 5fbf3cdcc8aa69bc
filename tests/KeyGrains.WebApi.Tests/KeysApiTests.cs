using System.Net;
using System.Text.Json;

namespace KeyGrains.WebApi.Tests;

[Collection(ApiCollection.Name)]
public sealed class KeysApiTests(ApiFixture fixture)
{
    private readonly ApiHost _host = fixture.Host;

    [Fact]
    public async Task Create_ReturnsSecretOnce_WithLast4_AndNeverAgain()
    {
        var id = await _host.NewOrg();
        var expires = DateTimeOffset.UtcNow.AddDays(1);
        var created = await _host.NewKey(id, ["viewer"], name: "ci", description: "CI", allowedIps: ["127.0.0.1", "10.0.0.0/8"], expiresAt: expires);
        var secret = created.Str("key");
        var keyId = created.Str("id");

        Assert.True(ApiKeyFormat.TryParse(secret, out var parsed));
        Assert.Equal(keyId, parsed.ToString());
        Assert.Equal(secret[^4..], created.Str("last4"));
        Assert.Equal("active", created.Str("status"));
        Assert.Equal(id, created.Str("orgId"));
        Assert.Equal("operator", created.Str("createdBy"));
        Assert.EndsWith("Z", created.Str("expiresAt"));
        Assert.Equal(JsonValueKind.Null, created.Body.GetProperty("revokedAt").ValueKind);
        Assert.Equal(2, created.Body.GetProperty("allowedIps").GetArrayLength());
        Assert.Equal($"/v1/orgs/{id}/keys/{keyId}", created.Response.Headers.Location?.OriginalString);

        var read = (await _host.Operator.Get($"/v1/orgs/{id}/keys/{keyId}")).Ok();
        Assert.False(read.Body.TryGetProperty("key", out _));
        Assert.DoesNotContain(secret, read.Body.ToString());
        var list = (await _host.Operator.Get($"/v1/orgs/{id}/keys")).Ok();
        Assert.DoesNotContain(secret, list.Body.ToString());
        Assert.Equal(secret[^4..], read.Str("last4"));
    }

    [Fact]
    public async Task Patch_ThatMakesAnExpiredKeyActiveWhileTheOrgIsFull_Returns409KeyLimitReached()
    {
        var id = await _host.NewOrg(keyLimit: 1);
        var expiring = await _host.NewKey(id, ["viewer"], expiresAt: DateTimeOffset.UtcNow.AddSeconds(1.5));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal("EXPIRED", (await _host.Verify(expiring.Str("key"))).Str("code"));
        await _host.NewKey(id, ["viewer"]);

        (await _host.Operator.Patch($"/v1/orgs/{id}/keys/{expiring.Str("id")}", new { expiresAt = (DateTimeOffset?)null }))
            .Problem(HttpStatusCode.Conflict, "key_limit_reached");
        Assert.Equal("expired", (await _host.Operator.Get($"/v1/orgs/{id}/keys/{expiring.Str("id")}")).Ok().Str("status"));
    }

    [Theory]
    [InlineData("""{"roles":[]}""", "roles")]
    [InlineData("""{"name":"x"}""", "roles")]
    [InlineData("""{"roles":["Bad Role"]}""", "roles")]
    [InlineData("""{"roles":["viewer"],"name":"tab\tname"}""", "name")]
    [InlineData("""{"roles":["viewer"],"expiresAt":"2001-01-01T00:00:00Z"}""", "expiresAt")]
    [InlineData("""{"roles":["viewer"],"expiresAt":"tomorrow"}""", "expiresAt")]
    [InlineData("""{"roles":["viewer"],"expiresAt":"2999-01-01T00:00:00"}""", "expiresAt")]
    [InlineData("""{"roles":["viewer"],"allowedIps":["10.0.0.0/33"]}""", "allowedIps")]
    [InlineData("""{"roles":["viewer"],"allowedIps":["10"]}""", "allowedIps")]
    [InlineData("""{"roles":["viewer"],"allowedIps":"10.0.0.1"}""", "allowedIps")]
    public async Task Create_WithInvalidMember_Returns400(string body, string field)
    {
        var id = await _host.NewOrg();
        var answer = (await _host.Operator.Post($"/v1/orgs/{id}/keys", body)).Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(answer.Body.GetProperty("errors").TryGetProperty(field, out _), answer.Body.ToString());
    }

    [Fact]
    public async Task Create_WithUnknownRole_Returns400_AndWithTooManyRolesOrIps_Returns400()
    {
        var id = await _host.NewOrg();
        (await _host.Operator.Post($"/v1/orgs/{id}/keys", new { roles = new[] { "ghost" } })).Problem(HttpStatusCode.BadRequest, "validation_failed");
        (await _host.Operator.Post($"/v1/orgs/{id}/keys", new { roles = Enumerable.Repeat("viewer", 21) })).Problem(HttpStatusCode.BadRequest, "validation_failed");
        var ips = Enumerable.Range(0, 101).Select(i => $"10.0.{i}.1").ToArray();
        (await _host.Operator.Post($"/v1/orgs/{id}/keys", new { roles = new[] { "viewer" }, allowedIps = ips })).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Create_OnFreePlan_Returns403PlanRestriction_ExistingKeysKeepWorking()
    {
        var id = await _host.NewOrg();
        var key = (await _host.NewKey(id, ["viewer"])).Str("key");
        (await _host.Operator.Patch($"/v1/orgs/{id}", new { plan = "free" })).Ok();

        (await _host.Operator.Post($"/v1/orgs/{id}/keys", new { roles = new[] { "viewer" } })).Problem(HttpStatusCode.Forbidden, "plan_restriction");
        Assert.Equal("VALID", (await _host.Verify(key)).Str("code"));
    }

    [Fact]
    public async Task Create_ConcurrentlyOverHttp_ExactlyTheLimitSucceed()
    {
        var id = await _host.NewOrg(keyLimit: 5);
        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ =>
            _host.Operator.Post($"/v1/orgs/{id}/keys", new { roles = new[] { "viewer" } })));

        Assert.Equal(5, answers.Count(a => a.Status == HttpStatusCode.Created));
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.Created), a => a.Problem(HttpStatusCode.Conflict, "key_limit_reached"));
        Assert.Equal(5, (await _host.Operator.Get($"/v1/orgs/{id}")).Body.GetProperty("activeKeyCount").GetInt32());
    }

    [Fact]
    public async Task List_NewestFirst_FiltersByStatusAndSearch_AndPages()
    {
        var id = await _host.NewOrg();
        var a = (await _host.NewKey(id, ["viewer"], name: "Alpha", description: "first")).Str("id");
        var b = (await _host.NewKey(id, ["viewer"], name: "beta", description: "Deploy bot")).Str("id");
        var c = (await _host.NewKey(id, ["viewer"], name: "gamma")).Str("id");
        (await _host.Operator.Post($"/v1/orgs/{id}/keys/{b}/revoke")).Ok();

        Assert.Equal([c, b, a], await Ids($"/v1/orgs/{id}/keys"));
        Assert.Equal([c, a], await Ids($"/v1/orgs/{id}/keys?status=active"));
        Assert.Equal([b], await Ids($"/v1/orgs/{id}/keys?status=revoked"));
        Assert.Equal([c, b, a], await Ids($"/v1/orgs/{id}/keys?status=all"));
        Assert.Equal([a], await Ids($"/v1/orgs/{id}/keys?search=ALPH"));
        Assert.Equal([b], await Ids($"/v1/orgs/{id}/keys?search=deploy"));

        var page1 = (await _host.Operator.Get($"/v1/orgs/{id}/keys?limit=2")).Ok();
        Assert.Equal(2, page1.Body.GetProperty("items").GetArrayLength());
        var next = page1.Str("next");
        var page2 = (await _host.Operator.Get($"/v1/orgs/{id}/keys?limit=2&cursor={Uri.EscapeDataString(next)}")).Ok();
        Assert.Equal(a, page2.Body.GetProperty("items")[0].GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, page2.Body.GetProperty("next").ValueKind);
    }

    [Theory]
    [InlineData("status=gone")]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("limit=abc")]
    public async Task List_WithInvalidQuery_Returns400(string query)
    {
        var id = await _host.NewOrg();
        (await _host.Operator.Get($"/v1/orgs/{id}/keys?{query}")).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task ExpiredKey_HasStatusExpired_IsListedAsExpired_AndVerifiesExpired()
    {
        var id = await _host.NewOrg();
        var created = await _host.NewKey(id, ["viewer"], expiresAt: DateTimeOffset.UtcNow.AddSeconds(1.5));
        await Task.Delay(2000);

        Assert.Equal("expired", (await _host.Operator.Get($"/v1/orgs/{id}/keys/{created.Str("id")}")).Str("status"));
        Assert.Equal([created.Str("id")], await Ids($"/v1/orgs/{id}/keys?status=expired"));
        Assert.Equal("EXPIRED", (await _host.Verify(created.Str("key"))).Str("code"));
    }

    [Fact]
    public async Task Patch_AbsentLeavesAsIs_NullClears()
    {
        var id = await _host.NewOrg();
        var created = await _host.NewKey(id, ["viewer"], name: "n", description: "d", allowedIps: ["127.0.0.1"], expiresAt: DateTimeOffset.UtcNow.AddDays(1));
        var path = $"/v1/orgs/{id}/keys/{created.Str("id")}";

        var key = (await _host.Operator.Patch(path, new { name = "renamed" })).Ok();
        Assert.Equal("renamed", key.Str("name"));
        Assert.Equal("d", key.Str("description"));
        Assert.Equal(1, key.Body.GetProperty("allowedIps").GetArrayLength());

        key = (await _host.Operator.Patch(path, """{"description":null,"expiresAt":null,"allowedIps":null}""")).Ok();
        Assert.Equal(JsonValueKind.Null, key.Body.GetProperty("description").ValueKind);
        Assert.Equal(JsonValueKind.Null, key.Body.GetProperty("expiresAt").ValueKind);
        Assert.Equal(0, key.Body.GetProperty("allowedIps").GetArrayLength());
        Assert.Equal("renamed", key.Str("name"));

        key = (await _host.Operator.Patch(path, new { roles = new[] { "editor" } })).Ok();
        Assert.Equal(["editor"], key.Body.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Patch_Invalid_Returns400_RevokedKey_Returns409KeyRevoked()
    {
        var id = await _host.NewOrg();
        var keyId = (await _host.NewKey(id, ["viewer"])).Str("id");
        var path = $"/v1/orgs/{id}/keys/{keyId}";
        (await _host.Operator.Patch(path, """{"roles":null}""")).Problem(HttpStatusCode.BadRequest, "validation_failed");
        (await _host.Operator.Patch(path, """{"name":null}""")).Problem(HttpStatusCode.BadRequest, "validation_failed");
        (await _host.Operator.Patch(path, """{"expiresAt":"2000-01-01T00:00:00Z"}""")).Problem(HttpStatusCode.BadRequest, "validation_failed");

        (await _host.Operator.Post(path + "/revoke")).Ok();
        (await _host.Operator.Patch(path, new { name = "x" })).Problem(HttpStatusCode.Conflict, "key_revoked");
    }

    [Fact]
    public async Task Revoke_IsRefusedOnTheVeryNextCall_AndRepeatingIsNoOp()
    {
        var id = await _host.NewOrg();
        var created = await _host.NewKey(id, ["viewer"]);
        var path = $"/v1/orgs/{id}/keys/{created.Str("id")}/revoke";
        Assert.Equal("VALID", (await _host.Verify(created.Str("key"))).Str("code"));

        var revoked = (await _host.Operator.Post(path)).Ok();
        Assert.Equal("revoked", revoked.Str("status"));
        Assert.EndsWith("Z", revoked.Str("revokedAt"));
        Assert.Equal("REVOKED", (await _host.Verify(created.Str("key"))).Str("code"));

        var again = (await _host.Operator.Post(path, "{}")).Ok();
        Assert.Equal(revoked.Str("revokedAt"), again.Str("revokedAt"));
    }

    [Fact]
    public async Task Rotate_OldSecretVerifiesDuringGrace_NewSecretAtOnce()
    {
        var id = await _host.NewOrg();
        var created = await _host.NewKey(id, ["viewer"], name: "rot");
        var path = $"/v1/orgs/{id}/keys/{created.Str("id")}/rotate";

        var rotated = (await _host.Operator.Post(path, new { gracePeriodSeconds = 2 })).Ok();
        Assert.Equal(created.Str("id"), rotated.Str("id"));
        Assert.Equal("rot", rotated.Str("name"));
        Assert.NotEqual(created.Str("key"), rotated.Str("key"));
        Assert.EndsWith("Z", rotated.Str("previousSecretExpiresAt"));
        Assert.Equal("VALID", (await _host.Verify(rotated.Str("key"))).Str("code"));
        Assert.Equal("VALID", (await _host.Verify(created.Str("key"))).Str("code"));

        await Task.Delay(2500);
        Assert.Equal("NOT_FOUND", (await _host.Verify(created.Str("key"))).Str("code"));
        Assert.Equal("VALID", (await _host.Verify(rotated.Str("key"))).Str("code"));
    }

    [Fact]
    public async Task Rotate_WithoutBody_EndsOldSecretNow_SecondRotationEndsEarlierPrevious()
    {
        var id = await _host.NewOrg();
        var created = await _host.NewKey(id, ["viewer"]);
        var path = $"/v1/orgs/{id}/keys/{created.Str("id")}/rotate";

        var first = (await _host.Operator.Post(path, new { gracePeriodSeconds = 3600 })).Ok();
        var second = (await _host.Operator.Post(path)).Ok();
        Assert.True(second.Body.TryGetProperty("previousSecretExpiresAt", out _));
        Assert.Equal("NOT_FOUND", (await _host.Verify(created.Str("key"))).Str("code"));
        Assert.Equal("NOT_FOUND", (await _host.Verify(first.Str("key"))).Str("code"));
        Assert.Equal("VALID", (await _host.Verify(second.Str("key"))).Str("code"));
    }

    [Fact]
    public async Task Rotate_InvalidGrace_Returns400_RevokedKey_Returns409()
    {
        var id = await _host.NewOrg();
        var keyId = (await _host.NewKey(id, ["viewer"])).Str("id");
        var path = $"/v1/orgs/{id}/keys/{keyId}";
        (await _host.Operator.Post(path + "/rotate", new { gracePeriodSeconds = 86401 })).Problem(HttpStatusCode.BadRequest, "validation_failed");
        (await _host.Operator.Post(path + "/rotate", new { gracePeriodSeconds = -1 })).Problem(HttpStatusCode.BadRequest, "validation_failed");
        (await _host.Operator.Post(path + "/revoke")).Ok();
        (await _host.Operator.Post(path + "/rotate")).Problem(HttpStatusCode.Conflict, "key_revoked");
    }

    [Fact]
    public async Task Delete_ThenKeyIsGone_404_AndNotFoundInVerification()
    {
        var id = await _host.NewOrg();
        var created = await _host.NewKey(id, ["viewer"]);
        var path = $"/v1/orgs/{id}/keys/{created.Str("id")}";

        Assert.Equal(HttpStatusCode.NoContent, (await _host.Operator.Delete(path)).Status);
        (await _host.Operator.Get(path)).Problem(HttpStatusCode.NotFound, "not_found");
        (await _host.Operator.Delete(path)).Problem(HttpStatusCode.NotFound, "not_found");
        Assert.Equal("NOT_FOUND", (await _host.Verify(created.Str("key"))).Str("code"));
    }

    [Fact]
    public async Task Get_UnknownOrMalformedKeyId_Returns404()
    {
        var id = await _host.NewOrg();
        (await _host.Operator.Get($"/v1/orgs/{id}/keys/{ApiKeyFormat.NewId()}")).Problem(HttpStatusCode.NotFound, "not_found");
        (await _host.Operator.Get($"/v1/orgs/{id}/keys/NOT-AN-ID")).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Self_ReturnsThePresentingKey_ForAnyRole()
    {
        var id = await _host.NewOrg();
        var created = await _host.NewKey(id, ["viewer"], name: "me");
        using var viewer = _host.Client(apiKey: created.Str("key"));
        var self = (await viewer.Get("/v1/keys/self")).Ok();
        Assert.Equal(created.Str("id"), self.Str("id"));
        Assert.False(self.Body.TryGetProperty("key", out _));

        (await _host.Operator.Get("/v1/keys/self")).Problem(HttpStatusCode.Forbidden, "forbidden");
        (await _host.Anonymous.Get("/v1/keys/self")).Problem(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task CreatedByAdminKey_RecordsTheKeyAsCreator()
    {
        var id = await _host.NewOrg();
        var adminKey = await _host.NewKey(id, ["admin"]);
        using var admin = _host.Client(apiKey: adminKey.Str("key"));
        var created = await _host.NewKey(id, ["viewer"], by: admin);
        Assert.Equal("key:" + adminKey.Str("id"), created.Str("createdBy"));
    }

    private async Task<string[]> Ids(string path) =>
        (await _host.Operator.Get(path)).Ok().Body.GetProperty("items").EnumerateArray().Select(k => k.GetProperty("id").GetString()!).ToArray();
}
