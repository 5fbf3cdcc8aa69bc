using System.Net;
using System.Text.Json;

namespace KeyGrains.WebApi.Tests;

/// <summary>GET /v1/orgs/{org}/keys, GET /v1/orgs/{org}/keys/{id} and GET /v1/keys/self.</summary>
[Collection(ApiCollection.Name)]
public sealed class KeysReadApiTests(ApiFixture fixture)
{
    private readonly ApiHost _host = fixture.Host;

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

    private async Task<string[]> Ids(string path) =>
        (await _host.Operator.Get(path)).Ok().Body.GetProperty("items").EnumerateArray().Select(k => k.GetProperty("id").GetString()!).ToArray();
}
