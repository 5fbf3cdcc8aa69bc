using System.Net;

namespace KeyGrains.WebApi.Tests;

[Collection(ApiCollection.Name)]
public sealed class RolesApiTests(ApiFixture fixture)
{
    private readonly ApiHost _host = fixture.Host;

    [Fact]
    public async Task List_HasBuiltInRoles()
    {
        var id = await _host.NewOrg();
        var items = (await _host.Operator.Get($"/v1/orgs/{id}/roles")).Ok().Body.GetProperty("items");
        var names = items.EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!, r => r);

        Assert.Equal(["*"], names["admin"].GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(["*:read", "*:write"], names["editor"].GetProperty("permissions").EnumerateArray().Select(p => p.GetString()).Order());
        Assert.Equal(["*:read"], names["viewer"].GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
        Assert.True(names["viewer"].GetProperty("builtIn").GetBoolean());
    }

    [Fact]
    public async Task Put_CreatesAndReplacesCustomRole()
    {
        var id = await _host.NewOrg();
        var role = (await _host.Operator.Put($"/v1/orgs/{id}/roles/ops", new { description = "Ops", permissions = new[] { "clusters:read", "backups:*" } })).Ok();
        Assert.False(role.Body.GetProperty("builtIn").GetBoolean());
        Assert.Equal("Ops", role.Str("description"));

        role = (await _host.Operator.Put($"/v1/orgs/{id}/roles/ops", new { permissions = new[] { "clusters:write" } })).Ok();
        Assert.Equal(["clusters:write"], role.Body.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()));
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("editor")]
    [InlineData("viewer")]
    public async Task PutOrDelete_BuiltIn_Returns409(string name)
    {
        var id = await _host.NewOrg();
        (await _host.Operator.Put($"/v1/orgs/{id}/roles/{name}", new { permissions = new[] { "*" } })).Problem(HttpStatusCode.Conflict, "conflict");
        (await _host.Operator.Delete($"/v1/orgs/{id}/roles/{name}")).Problem(HttpStatusCode.Conflict, "conflict");
    }

    [Theory]
    [InlineData("Bad", """{"permissions":["a:b"]}""")]
    [InlineData("ok", """{"permissions":[]}""")]
    [InlineData("ok", """{"permissions":["nocolon"]}""")]
    [InlineData("ok", """{"permissions":["A:b"]}""")]
    [InlineData("ok", """{}""")]
    public async Task Put_Invalid_Returns400(string name, string body)
    {
        using var onPurpose = OpenApiContract.InvalidRequestsOnPurpose();
        var id = await _host.NewOrg();
        (await _host.Operator.Put($"/v1/orgs/{id}/roles/{name}", body)).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Put_WithTooManyPermissions_Returns400()
    {
        var id = await _host.NewOrg();
        var permissions = Enumerable.Range(0, 101).Select(i => $"r{i}:read").ToArray();
        (await _host.Operator.Put($"/v1/orgs/{id}/roles/many", new { permissions })).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Delete_WhileActiveKeyHoldsIt_Returns409_ThenAfterRevoke204()
    {
        var id = await _host.NewOrg();
        (await _host.Operator.Put($"/v1/orgs/{id}/roles/ops", new { permissions = new[] { "clusters:read" } })).Ok();
        var key = await _host.NewKey(id, ["ops"]);

        (await _host.Operator.Delete($"/v1/orgs/{id}/roles/ops")).Problem(HttpStatusCode.Conflict, "conflict");
        (await _host.Operator.Post($"/v1/orgs/{id}/keys/{key.Str("id")}/revoke")).Ok();
        Assert.Equal(HttpStatusCode.NoContent, (await _host.Operator.Delete($"/v1/orgs/{id}/roles/ops")).Status);
    }

    [Fact]
    public async Task RoleChange_ReachesTheVeryNextVerification()
    {
        var id = await _host.NewOrg();
        (await _host.Operator.Put($"/v1/orgs/{id}/roles/ops", new { permissions = new[] { "clusters:read" } })).Ok();
        var key = (await _host.NewKey(id, ["ops"])).Str("key");
        Assert.Equal("INSUFFICIENT_PERMISSIONS", (await _host.Verify(key, permissions: ["clusters:write"])).Str("code"));

        (await _host.Operator.Put($"/v1/orgs/{id}/roles/ops", new { permissions = new[] { "clusters:*" } })).Ok();
        Assert.Equal("VALID", (await _host.Verify(key, permissions: ["clusters:write"])).Str("code"));
    }

    [Fact]
    public async Task Delete_UnknownRole_Returns404()
    {
        var id = await _host.NewOrg();
        (await _host.Operator.Delete($"/v1/orgs/{id}/roles/nope")).Problem(HttpStatusCode.NotFound, "not_found");
    }
}
