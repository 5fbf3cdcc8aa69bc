using System.Net;

namespace KeyGrains.WebApi.Tests;

[Collection(ApiCollection.Name)]
public sealed class ErrorsTests(ApiFixture fixture)
{
    private readonly ApiHost _host = fixture.Host;

    [Fact]
    public async Task UnknownRoute_Returns404Problem()
    {
        (await _host.Anonymous.Get("/v1/nothing/here")).Problem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task WrongMethod_Returns405Problem()
    {
        (await _host.Anonymous.Send(HttpMethod.Get, "/v1/keys/verify")).Problem(HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        (await _host.Operator.Send(HttpMethod.Delete, "/v1/orgs")).Problem(HttpStatusCode.MethodNotAllowed, "method_not_allowed");
    }

    [Fact]
    public async Task NonJsonBody_OnTheAdminApi_Returns415Problem()
    {
        using var onPurpose = OpenApiContract.InvalidRequestsOnPurpose();
        (await _host.Operator.Send(HttpMethod.Post, "/v1/orgs", "<org/>", "application/xml")).Problem(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task NonJsonBody_OnVerify_Returns400_AsTheContractSays()
    {
        using var onPurpose = OpenApiContract.InvalidRequestsOnPurpose();
        // The contract: verification answers 200, 400, 413 or 429; "a request that is not JSON ... is 400".
        (await _host.Anonymous.Send(HttpMethod.Post, "/v1/keys/verify", "key=x", "text/plain")).Problem(HttpStatusCode.BadRequest, "validation_failed");
        (await _host.Anonymous.Send(HttpMethod.Post, "/v1/keys/verify", "{\"key\":\"x\"}", "application/x-www-form-urlencoded")).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task BodyOver64KiB_Returns413Problem_ExactlyTheLimitIsRead()
    {
        var padding = new string(' ', 65_536 - """{"key":"kg_x"}""".Length);
        (await _host.Anonymous.Post("/v1/keys/verify", """{"key":"kg_x"}""" + padding)).Ok();
        (await _host.Anonymous.Post("/v1/keys/verify", """{"key":"kg_x"}""" + padding + " ")).Problem(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        var org = await _host.NewOrg();
        (await _host.Operator.Post($"/v1/orgs/{org}/keys", new { roles = new[] { "viewer" }, description = new string('a', 70_000) }))
            .Problem(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Fact]
    public async Task ChunkedBodyOver64KiB_Returns413()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/keys/verify")
        {
            Content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes("""{"key":"kg_x"}""" + new string(' ', 70_000)))),
        };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = true;
        var response = await _host.Anonymous.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task MissingBody_Returns400_ButOptionalBodiesAcceptNothing()
    {
        using var onPurpose = OpenApiContract.InvalidRequestsOnPurpose();
        (await _host.Operator.Send(HttpMethod.Post, "/v1/orgs")).Problem(HttpStatusCode.BadRequest, "validation_failed");
        (await _host.Operator.Post("/v1/orgs", "")).Problem(HttpStatusCode.BadRequest, "validation_failed");
        (await _host.Operator.Post("/v1/orgs", "null")).Problem(HttpStatusCode.BadRequest, "validation_failed");
        (await _host.Operator.Post("/v1/orgs", """{"name":"x",""")).Problem(HttpStatusCode.BadRequest, "validation_failed");

        var org = await _host.NewOrg();
        var keyId = (await _host.NewKey(org, ["viewer"])).Str("id");
        (await _host.Operator.Post($"/v1/orgs/{org}/keys/{keyId}/rotate", "")).Ok();
        (await _host.Operator.Send(HttpMethod.Post, $"/v1/orgs/{org}/keys/{keyId}/revoke")).Ok();
        (await _host.Operator.Post($"/v1/orgs/{org}/keys/{keyId}/revoke", "{oops")).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task OpenApiDocument_DescribesEveryEndpoint_AndSecuritySchemes()
    {
        var doc = (await _host.Anonymous.Get("/openapi/v1.json")).Ok().Body;
        var paths = doc.GetProperty("paths");
        foreach (var path in new[] { "/v1/orgs", "/v1/orgs/{orgId}", "/v1/orgs/{orgId}/roles", "/v1/orgs/{orgId}/roles/{name}", "/v1/orgs/{orgId}/keys",
                     "/v1/orgs/{orgId}/keys/{keyId}", "/v1/orgs/{orgId}/keys/{keyId}/revoke", "/v1/orgs/{orgId}/keys/{keyId}/rotate",
                     "/v1/keys/self", "/v1/keys/verify", "/v1/orgs/{orgId}/audit" })
        {
            Assert.True(paths.TryGetProperty(path, out _), path);
        }

        var schemes = doc.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("X-API-Key", schemes.GetProperty("ApiKey").GetProperty("name").GetString());
        Assert.Equal("bearer", schemes.GetProperty("OperatorToken").GetProperty("scheme").GetString());
        Assert.Equal("bearer", schemes.GetProperty("ApiKeyBearer").GetProperty("scheme").GetString());
        Assert.True(paths.GetProperty("/v1/orgs/{orgId}/keys").GetProperty("post").TryGetProperty("requestBody", out _));
    }

    [Fact]
    public async Task ScalarPage_ServesItsScriptLocally()
    {
        var page = await _host.Anonymous.GetAsync("/scalar/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotContain("cdn.jsdelivr", html);
        var script = await _host.Anonymous.GetAsync("/scalar/scalar.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    [Fact]
    public async Task Health_LiveAndReady_Answer200()
    {
        Assert.Equal(HttpStatusCode.OK, (await _host.Anonymous.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _host.Anonymous.GetAsync("/health/ready")).StatusCode);
    }
}
