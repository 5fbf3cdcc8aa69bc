using System.Net;

namespace KeyGrains.WebApi.Tests;

[Collection(ApiCollection.Name)]
public sealed class OrgsApiTests(ApiFixture fixture)
{
    private readonly ApiHost _host = fixture.Host;

    [Fact]
    public async Task Create_ReturnsOrgWithDefaults()
    {
        var id = Scenario.NewOrgId();
        var org = (await _host.Operator.Post("/v1/orgs", new { id, name = "Acme" })).Ok(HttpStatusCode.Created);

        Assert.Equal(id, org.Str("id"));
        Assert.Equal("Acme", org.Str("name"));
        Assert.Equal("standard", org.Str("plan"));
        Assert.Equal(10, org.Body.GetProperty("keyLimit").GetInt32());
        Assert.Equal(0, org.Body.GetProperty("activeKeyCount").GetInt32());
        Assert.EndsWith("Z", org.Str("createdAt"));
        Assert.Equal($"/v1/orgs/{id}", org.Response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Create_WithoutId_GeneratesValidId()
    {
        var org = (await _host.Operator.Post("/v1/orgs", new { name = "No id", plan = "enterprise" })).Ok(HttpStatusCode.Created);

        Assert.True(Validation.IsValidOrgId(org.Str("id")));
        Assert.Equal("enterprise", org.Str("plan"));
    }

    [Fact]
    public async Task Create_WhenIdExists_Returns409Conflict()
    {
        var id = await _host.NewOrg();
        (await _host.Operator.Post("/v1/orgs", new { id, name = "Again" })).Problem(HttpStatusCode.Conflict, "conflict");
    }

    [Theory]
    [InlineData("""{"id":"AB","name":"x"}""", "id")]
    [InlineData("""{"id":"has_underscore","name":"x"}""", "id")]
    [InlineData("""{"name":""}""", "name")]
    [InlineData("""{"name":"bad\u0007name"}""", "name")]
    [InlineData("""{"name":"x","keyLimit":0}""", "keyLimit")]
    [InlineData("""{"name":"x","keyLimit":1001}""", "keyLimit")]
    [InlineData("""{"name":"x","plan":"gold"}""", "plan")]
    [InlineData("""{"name":"x","plan":1}""", "plan")]
    [InlineData("""{"name":"x","keyLimit":"ten"}""", "keyLimit")]
    [InlineData("""{"name":123}""", "name")]
    public async Task Create_WithInvalidMember_Returns400NamingIt(string body, string field)
    {
        using var onPurpose = OpenApiContract.InvalidRequestsOnPurpose();
        var answer = (await _host.Operator.Post("/v1/orgs", body)).Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(answer.Body.GetProperty("errors").TryGetProperty(field, out _), answer.Body.ToString());
    }

    [Fact]
    public async Task Create_WithLongName_Returns400()
    {
        (await _host.Operator.Post("/v1/orgs", new { name = new string('a', 101) })).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Get_ByOperatorAndOwnAdminKey_ReturnsOrg()
    {
        var id = await _host.NewOrg();
        Assert.Equal(id, (await _host.Operator.Get($"/v1/orgs/{id}")).Ok().Str("id"));
        using var admin = await _host.AdminClient(id);
        Assert.Equal(1, (await admin.Get($"/v1/orgs/{id}")).Ok().Body.GetProperty("activeKeyCount").GetInt32());
    }

    [Fact]
    public async Task Get_Unknown_Returns404()
    {
        (await _host.Operator.Get($"/v1/orgs/{Scenario.NewOrgId()}")).Problem(HttpStatusCode.NotFound, "not_found");
        (await _host.Operator.Get("/v1/orgs/X")).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Patch_ChangesOnlyPresentMembers()
    {
        var id = await _host.NewOrg(keyLimit: 7);
        var org = (await _host.Operator.Patch($"/v1/orgs/{id}", new { name = "Renamed" })).Ok();
        Assert.Equal("Renamed", org.Str("name"));
        Assert.Equal(7, org.Body.GetProperty("keyLimit").GetInt32());

        org = (await _host.Operator.Patch($"/v1/orgs/{id}", new { plan = "free", keyLimit = 3 })).Ok();
        Assert.Equal("Renamed", org.Str("name"));
        Assert.Equal("free", org.Str("plan"));
        Assert.Equal(3, org.Body.GetProperty("keyLimit").GetInt32());
    }

    [Fact]
    public async Task Patch_WithNullOrInvalid_Returns400()
    {
        using var onPurpose = OpenApiContract.InvalidRequestsOnPurpose();
        var id = await _host.NewOrg();
        (await _host.Operator.Patch($"/v1/orgs/{id}", """{"name":null}""")).Problem(HttpStatusCode.BadRequest, "validation_failed");
        (await _host.Operator.Patch($"/v1/orgs/{id}", """{"keyLimit":5000}""")).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task CreateAndPatch_ByAdminKey_Returns403()
    {
        var id = await _host.NewOrg();
        using var admin = await _host.AdminClient(id);
        (await admin.Post("/v1/orgs", new { name = "Mine" })).Problem(HttpStatusCode.Forbidden, "forbidden");
        (await admin.Patch($"/v1/orgs/{id}", new { keyLimit = 1000 })).Problem(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task LoweringLimitBelowActiveCount_IsAllowed_AndBlocksNewKeys()
    {
        var id = await _host.NewOrg(keyLimit: 3);
        await _host.NewKey(id);
        await _host.NewKey(id);
        (await _host.Operator.Patch($"/v1/orgs/{id}", new { keyLimit = 1 })).Ok();

        (await _host.Operator.Post($"/v1/orgs/{id}/keys", new { roles = new[] { "viewer" } })).Problem(HttpStatusCode.Conflict, "key_limit_reached");
    }
}
