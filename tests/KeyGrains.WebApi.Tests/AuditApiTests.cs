using System.Net;

namespace KeyGrains.WebApi.Tests;

[Collection(ApiCollection.Name)]
public sealed class AuditApiTests(ApiFixture fixture)
{
    private readonly ApiHost _host = fixture.Host;

    [Fact]
    public async Task Changes_AreRecorded_NewestFirst_WithActorAndNoSecret()
    {
        var org = await _host.NewOrg();
        (await _host.Operator.Put($"/v1/orgs/{org}/roles/ops", new { permissions = new[] { "a:b" } })).Ok();
        var admin = await _host.NewKey(org, ["admin"]);
        using var client = _host.Client(apiKey: admin.Str("key"));
        var key = await _host.NewKey(org, ["ops"], by: client);
        var rotated = (await client.Post($"/v1/orgs/{org}/keys/{key.Str("id")}/rotate")).Ok();
        (await client.Patch($"/v1/orgs/{org}/keys/{key.Str("id")}", new { name = "n" })).Ok();
        (await client.Post($"/v1/orgs/{org}/keys/{key.Str("id")}/revoke")).Ok();
        (await client.Delete($"/v1/orgs/{org}/keys/{key.Str("id")}")).Ok(HttpStatusCode.NoContent);
        (await _host.Operator.Delete($"/v1/orgs/{org}/roles/ops")).Ok(HttpStatusCode.NoContent);
        (await _host.Operator.Patch($"/v1/orgs/{org}", new { name = "Renamed" })).Ok();

        var page = (await client.Get($"/v1/orgs/{org}/audit")).Ok();
        var events = page.Body.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(
            ["org.updated", "role.deleted", "key.deleted", "key.revoked", "key.updated", "key.rotated", "key.created", "key.created", "role.upserted", "org.created"],
            events.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal("key:" + admin.Str("id"), events[3].GetProperty("actor").GetString());
        Assert.Equal("operator", events[0].GetProperty("actor").GetString());
        Assert.All(events, e => Assert.EndsWith("Z", e.GetProperty("at").GetString()));
        var text = page.Body.ToString();
        Assert.DoesNotContain(admin.Str("key"), text);
        Assert.DoesNotContain(key.Str("key"), text);
        Assert.DoesNotContain(rotated.Str("key"), text);
    }

    [Fact]
    public async Task Pages_WithLimitAndBefore()
    {
        var org = await _host.NewOrg();
        for (var i = 0; i < 4; i++)
        {
            (await _host.Operator.Patch($"/v1/orgs/{org}", new { name = $"Name {i}" })).Ok();
        }

        var first = (await _host.Operator.Get($"/v1/orgs/{org}/audit?limit=2")).Ok();
        Assert.Equal(2, first.Body.GetProperty("items").GetArrayLength());
        var second = (await _host.Operator.Get($"/v1/orgs/{org}/audit?limit=2&before={first.Str("next")}")).Ok();
        var third = (await _host.Operator.Get($"/v1/orgs/{org}/audit?limit=2&before={second.Str("next")}")).Ok();
        var ids = new[] { first, second, third }.SelectMany(p => p.Body.GetProperty("items").EnumerateArray()).Select(e => e.GetProperty("id").GetInt64()).ToArray();
        Assert.Equal(5, ids.Length);
        Assert.Equal(ids.OrderDescending(), ids);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, third.Body.GetProperty("next").ValueKind);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=201")]
    [InlineData("limit=x")]
    [InlineData("before=abc")]
    public async Task InvalidQuery_Returns400(string query)
    {
        var org = await _host.NewOrg();
        (await _host.Operator.Get($"/v1/orgs/{org}/audit?{query}")).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }
}
