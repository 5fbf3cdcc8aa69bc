using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text.Json;

namespace KeyGrains.WebApi.Tests;

/// <summary>POST /v1/orgs/{org}/keys: what a new key looks like, what a create refuses, and the key limit under concurrency.</summary>
[Collection(ApiCollection.Name)]
public sealed class KeysCreateApiTests(ApiFixture fixture)
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

        Assert.True(_host.Services.GetRequiredService<KeyGrains.Keys.KeyTagSource>().Current!.TryParse(secret, out var parsed));
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
        using var onPurpose = OpenApiContract.InvalidRequestsOnPurpose();
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
    public async Task CreatedByAdminKey_RecordsTheKeyAsCreator()
    {
        var id = await _host.NewOrg();
        var adminKey = await _host.NewKey(id, ["admin"]);
        using var admin = _host.Client(apiKey: adminKey.Str("key"));
        var created = await _host.NewKey(id, ["viewer"], by: admin);
        Assert.Equal("key:" + adminKey.Str("id"), created.Str("createdBy"));
    }
}
