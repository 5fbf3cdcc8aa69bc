using System.Net;

namespace KeyGrains.WebApi.Tests;

/// <summary>The v1.1 bounds over HTTP: the key record bound (409) and the permission-pattern cap (400).</summary>
[Collection(ApiCollection.Name)]
public sealed class BoundedRecordsApiTests(ApiFixture fixture)
{
    private readonly ApiHost _host = fixture.Host;

    private static string[] Patterns(string resource, int count) =>
        [.. Enumerable.Range(0, count).Select(i => $"{resource}:action{i}")];

    [Fact]
    public async Task CreateKey_WhenEveryRecordAtTheBoundIsActive_Returns409KeyLimitReached()
    {
        var id = await _host.NewOrg(keyLimit: 100);
        for (var i = 0; i < 100; i++)
        {
            await _host.NewKey(id, ["viewer"]);
        }

        // A key limit of 10 bounds the records at 100, and none of them can go.
        (await _host.Operator.Patch($"/v1/orgs/{id}", new { keyLimit = 10 })).Ok();

        var refused = (await _host.Operator.Post($"/v1/orgs/{id}/keys", new { roles = new[] { "viewer" } })).Problem(HttpStatusCode.Conflict, "key_limit_reached");
        Assert.Contains("100 key records", refused.Str("detail"));
    }

    [Fact]
    public async Task CreateOrUpdateKey_WithRolesGrantingOver200Patterns_Returns400OnRoles()
    {
        var id = await _host.NewOrg();
        (await _host.Operator.Put($"/v1/orgs/{id}/roles/a", new { permissions = Patterns("a", 100) })).Ok();
        (await _host.Operator.Put($"/v1/orgs/{id}/roles/b", new { permissions = Patterns("b", 100) })).Ok();

        var refused = (await _host.Operator.Post($"/v1/orgs/{id}/keys", new { roles = new[] { "a", "b", "viewer" } })).Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(refused.Body.GetProperty("errors").TryGetProperty("roles", out _));

        var key = await _host.NewKey(id, ["a", "b"]);
        refused = (await _host.Operator.Patch($"/v1/orgs/{id}/keys/{key.Str("id")}", new { roles = new[] { "a", "b", "viewer" } })).Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(refused.Body.GetProperty("errors").TryGetProperty("roles", out _));
    }

    [Fact]
    public async Task PutRole_ThatWouldPushAHolderPast200Patterns_Returns400OnPermissions_NamingTheKey()
    {
        var id = await _host.NewOrg();
        (await _host.Operator.Put($"/v1/orgs/{id}/roles/a", new { permissions = Patterns("a", 100) })).Ok();
        (await _host.Operator.Put($"/v1/orgs/{id}/roles/b", new { permissions = Patterns("b", 1) })).Ok();
        var key = await _host.NewKey(id, ["a", "b", "viewer"]);

        var refused = (await _host.Operator.Put($"/v1/orgs/{id}/roles/b", new { permissions = Patterns("b", 100) })).Problem(HttpStatusCode.BadRequest, "validation_failed");

        var message = refused.Body.GetProperty("errors").GetProperty("permissions")[0].GetString();
        Assert.Contains(key.Str("id"), message);
        var roles = (await _host.Operator.Get($"/v1/orgs/{id}/roles")).Ok().Body.GetProperty("items").EnumerateArray();
        Assert.Equal(1, roles.Single(r => r.GetProperty("name").GetString() == "b").GetProperty("permissions").GetArrayLength());
    }
}
