using Microsoft.Extensions.DependencyInjection;
using System.Net;

namespace KeyGrains.WebApi.Tests;

[Collection(ApiCollection.Name)]
public sealed class VerifyApiTests(ApiFixture fixture)
{
    private readonly ApiHost _host = fixture.Host;

    [Fact]
    public async Task Valid_ReturnsKeyDetails_AndGrantedPatterns()
    {
        var id = await _host.NewOrg();
        var created = await _host.NewKey(id, ["editor"], name: "svc");
        var answer = (await _host.Verify(created.Str("key"), permissions: ["clusters:write"])).Ok();

        Assert.True(answer.Body.GetProperty("valid").GetBoolean());
        Assert.Equal("VALID", answer.Str("code"));
        Assert.Equal(created.Str("id"), answer.Str("keyId"));
        Assert.Equal(id, answer.Str("orgId"));
        Assert.Equal("svc", answer.Str("name"));
        Assert.Equal(["*:read", "*:write"], answer.Body.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()).Order());
    }

    [Theory]
    [InlineData("kg_nothing")]
    [InlineData("")]
    [InlineData("not a key at all")]
    public async Task MalformedOrUnknown_ReturnsNotFound_WithNothingElse(string key)
    {
        var presented = key.Length == 0 ? KeyTagger.Legacy.NewKey(ApiKeyFormat.NewId()) : key;
        var answer = (await _host.Verify(presented)).Ok();
        Assert.False(answer.Body.GetProperty("valid").GetBoolean());
        Assert.Equal("NOT_FOUND", answer.Str("code"));
        Assert.False(answer.Body.TryGetProperty("keyId", out _));
        Assert.False(answer.Body.TryGetProperty("orgId", out _));
    }

    [Fact]
    public async Task WrongSecretOfRealKey_ReturnsNotFound()
    {
        var id = await _host.NewOrg();
        var keyId = (await _host.NewKey(id, ["viewer"])).Str("id");
        var wrongSecret = _host.Services.GetRequiredService<KeyGrains.Keys.KeyTagSource>().Current!.NewKey(keyId);
        var answer = (await _host.Verify(wrongSecret)).Ok();
        Assert.Equal("NOT_FOUND", answer.Str("code"));
        Assert.False(answer.Body.TryGetProperty("keyId", out _));
    }

    [Fact]
    public async Task WrongSecretOrForgedTag_OfAKeyThisNodeHolds_ReturnsNotFound()
    {
        // The real key first, so this node holds its copy and later answers skip the tag check:
        // the copy's hash alone must refuse a well-tagged wrong secret and a forged tag alike.
        var id = await _host.NewOrg();
        var created = await _host.NewKey(id, ["viewer"]);
        var keyId = created.Str("id");
        Assert.Equal("VALID", (await _host.Verify(created.Str("key"))).Str("code"));

        var wrongSecret = _host.Services.GetRequiredService<KeyGrains.Keys.KeyTagSource>().Current!.NewKey(keyId);
        var forgedTag = KeyTagger.Legacy.NewKey(keyId);
        foreach (var presented in new[] { wrongSecret, forgedTag, created.Str("key")[..^1] + (created.Str("key")[^1] == 'a' ? 'b' : 'a') })
        {
            var answer = (await _host.Verify(presented)).Ok();
            Assert.Equal("NOT_FOUND", answer.Str("code"));
            Assert.False(answer.Body.TryGetProperty("keyId", out _));
        }

        Assert.Equal("VALID", (await _host.Verify(created.Str("key"))).Str("code"));
    }

    [Fact]
    public async Task IpRules_FailClosed_AndIpv4MappedIsIpv4()
    {
        var id = await _host.NewOrg();
        var key = (await _host.NewKey(id, ["viewer"], allowedIps: ["203.0.113.0/24", "2001:db8::/32"])).Str("key");

        Assert.Equal("IP_NOT_ALLOWED", (await _host.Verify(key)).Str("code"));
        Assert.Equal("IP_NOT_ALLOWED", (await _host.Verify(key, "198.51.100.1")).Str("code"));
        Assert.Equal("VALID", (await _host.Verify(key, "203.0.113.7")).Str("code"));
        Assert.Equal("VALID", (await _host.Verify(key, "::ffff:203.0.113.7")).Str("code"));
        Assert.Equal("VALID", (await _host.Verify(key, "2001:db8::1")).Str("code"));
        var mismatch = (await _host.Verify(key, "198.51.100.1")).Ok();
        Assert.Equal(id, mismatch.Str("orgId"));
    }

    [Fact]
    public async Task InsufficientPermissions_WhenNoRoleGrants()
    {
        var id = await _host.NewOrg();
        var key = (await _host.NewKey(id, ["viewer"])).Str("key");
        Assert.Equal("INSUFFICIENT_PERMISSIONS", (await _host.Verify(key, permissions: ["clusters:read", "clusters:write"])).Str("code"));
        Assert.Equal("VALID", (await _host.Verify(key, permissions: ["clusters:read"])).Str("code"));
    }

    [Fact]
    public async Task Revoked_BeatsIpAndPermissionChecks()
    {
        var id = await _host.NewOrg();
        var created = await _host.NewKey(id, ["viewer"], allowedIps: ["10.0.0.1"]);
        (await _host.Operator.Post($"/v1/orgs/{id}/keys/{created.Str("id")}/revoke")).Ok();
        Assert.Equal("REVOKED", (await _host.Verify(created.Str("key"), "8.8.8.8", ["x:write"])).Str("code"));
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"key":null}""")]
    [InlineData("""{"key":42}""")]
    [InlineData("""not json""")]
    [InlineData("""[]""")]
    [InlineData("""{"key":"kg_x","ip":"300.1.1.1"}""")]
    [InlineData("""{"key":"kg_x","ip":"10"}""")]
    [InlineData("""{"key":"kg_x","ip":"fe80::1%eth0"}""")]
    [InlineData("""{"key":"kg_x","permissions":["clusters:*"]}""")]
    [InlineData("""{"key":"kg_x","permissions":["*"]}""")]
    [InlineData("""{"key":"kg_x","permissions":"a:b"}""")]
    public async Task NotWellFormed_Returns400(string body)
    {
        using var onPurpose = OpenApiContract.InvalidRequestsOnPurpose();
        (await _host.Anonymous.Post("/v1/keys/verify", body)).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task MoreThan20Permissions_Returns400()
    {
        var permissions = Enumerable.Range(0, 21).Select(i => $"r{i}:read").ToArray();
        (await _host.Verify("kg_x", permissions: permissions)).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task UnknownMembersAreIgnored()
    {
        var answer = (await _host.Anonymous.Post("/v1/keys/verify", """{"key":"kg_x","extra":{"deep":[1,2]}}""")).Ok();
        Assert.Equal("NOT_FOUND", answer.Str("code"));
    }
}
