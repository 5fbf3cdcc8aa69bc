using System.Net;
using System.Text.Json;

namespace KeyGrains.WebApi.Tests;

/// <summary>PATCH, revoke, rotate and DELETE on /v1/orgs/{org}/keys/{id}.</summary>
[Collection(ApiCollection.Name)]
public sealed class KeysChangeApiTests(ApiFixture fixture)
{
    private readonly ApiHost _host = fixture.Host;

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
        using var onPurpose = OpenApiContract.InvalidRequestsOnPurpose();
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
        // Presented, so the second rotation is not a blind repeat of the first.
        Assert.Equal("VALID", (await _host.Verify(first.Str("key"))).Str("code"));
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
}
