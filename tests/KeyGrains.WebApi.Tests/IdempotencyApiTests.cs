using System.Net;

namespace KeyGrains.WebApi.Tests;

/// <summary>The <c>Idempotency-Key</c> header on creating and rotating keys.</summary>
[Collection(ApiCollection.Name)]
public sealed class IdempotencyApiTests(ApiFixture fixture)
{
    private readonly ApiHost _host = fixture.Host;

    private static string NewHeader() => "idem-" + Guid.NewGuid().ToString("N");

    private Task<Answer> Post(string path, object? body, string idempotencyKey) =>
        _host.Operator.Send(HttpMethod.Post, path, body, headers: new Dictionary<string, string> { ["Idempotency-Key"] = idempotencyKey });

    [Theory]
    [InlineData("short")]
    [InlineData("0123456789abcdef0123456789abcde")]
    [InlineData("0123456789abcdef 0123456789abcdef")]
    [InlineData("0123456789abcdef\t0123456789abcdef")]
    public async Task Create_WithAnUnusableHeader_IsAValidationProblemNamingIt(string header)
    {
        var id = await _host.NewOrg();

        var answer = await Post($"/v1/orgs/{id}/keys", new { roles = new[] { "viewer" } }, header);

        answer.Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(answer.Body.GetProperty("errors").TryGetProperty("Idempotency-Key", out _), answer.Body.ToString());
    }

    [Fact]
    public async Task Rotate_WithAHeaderTooLong_IsAValidationProblem()
    {
        var id = await _host.NewOrg();
        var key = await _host.NewKey(id, ["viewer"]);

        (await Post($"/v1/orgs/{id}/keys/{key.Str("id")}/rotate", null, new string('k', 256)))
            .Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Create_Replayed_GivesTheSameStatusAndBody()
    {
        var id = await _host.NewOrg();
        var header = NewHeader();

        var first = (await Post($"/v1/orgs/{id}/keys", """{"name":"ci","roles":["viewer"]}""", header)).Ok(HttpStatusCode.Created);
        var again = (await Post($"/v1/orgs/{id}/keys", """{ "roles": ["viewer"], "name": "ci" }""", header)).Ok(HttpStatusCode.Created);

        Assert.Equal(first.Str("key"), again.Str("key"));
        Assert.Equal(await first.Response.Content.ReadAsStringAsync(), await again.Response.Content.ReadAsStringAsync());
        Assert.Equal(first.Response.Headers.Location, again.Response.Headers.Location);
        Assert.Equal(1, (await _host.Operator.Get($"/v1/orgs/{id}")).Ok().Body.GetProperty("activeKeyCount").GetInt32());
    }

    [Fact]
    public async Task Rotate_Replayed_GivesTheSameSecret_AndTheOriginalStillVerifies()
    {
        var id = await _host.NewOrg();
        var key = await _host.NewKey(id, ["viewer"]);
        var path = $"/v1/orgs/{id}/keys/{key.Str("id")}/rotate";
        var header = NewHeader();

        var first = (await Post(path, new { gracePeriodSeconds = 600 }, header)).Ok();
        var again = (await Post(path, new { gracePeriodSeconds = 600 }, header)).Ok();

        Assert.Equal(await first.Response.Content.ReadAsStringAsync(), await again.Response.Content.ReadAsStringAsync());
        Assert.Equal("VALID", (await _host.Verify(key.Str("key"))).Str("code"));
        Assert.Equal("VALID", (await _host.Verify(again.Str("key"))).Str("code"));
    }

    [Fact]
    public async Task SameHeader_WithAnotherBody_IsAConflict()
    {
        var id = await _host.NewOrg();
        var header = NewHeader();
        (await Post($"/v1/orgs/{id}/keys", new { name = "ci", roles = new[] { "viewer" } }, header)).Ok(HttpStatusCode.Created);

        (await Post($"/v1/orgs/{id}/keys", new { name = "other", roles = new[] { "viewer" } }, header))
            .Problem(HttpStatusCode.Conflict, "conflict");
        Assert.Equal(1, (await _host.Operator.Get($"/v1/orgs/{id}")).Ok().Body.GetProperty("activeKeyCount").GetInt32());
    }

    [Fact]
    public async Task SameHeader_InAnotherOrganization_IsAnotherRequest()
    {
        var header = NewHeader();
        var a = await _host.NewOrg();
        var b = await _host.NewOrg();

        var inA = (await Post($"/v1/orgs/{a}/keys", new { roles = new[] { "viewer" } }, header)).Ok(HttpStatusCode.Created);
        var inB = (await Post($"/v1/orgs/{b}/keys", new { roles = new[] { "viewer" } }, header)).Ok(HttpStatusCode.Created);

        Assert.NotEqual(inA.Str("key"), inB.Str("key"));
    }
}
