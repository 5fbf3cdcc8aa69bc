using System.Net;
using System.Text;
using KeyGrains.WebApi.Security;

namespace KeyGrains.Security.Tests;

/// <summary>Oversized and overdeep input is answered at the edge, never by a grain and never with a 5xx.</summary>
[Collection(ApiCollection.Name)]
public sealed class LimitsTests(ApiFixture fixture)
{
    private readonly ApiHost _host = fixture.Host;

    [Fact]
    public async Task BodyOver64KiB_Is413PayloadTooLarge_OnEveryBodyRoute()
    {
        using var onPurpose = OpenApiContract.InvalidRequestsOnPurpose();
        var org = await _host.NewOrg();
        var key = await _host.NewKey(org);
        var huge = "{\"name\":\"" + new string('a', 70_000) + "\"}";
        foreach (var (method, path) in new[]
        {
            ("POST", "/v1/orgs"), ("PATCH", $"/v1/orgs/{org}"), ("PUT", $"/v1/orgs/{org}/roles/big"),
            ("POST", $"/v1/orgs/{org}/keys"), ("PATCH", $"/v1/orgs/{org}/keys/{key.Str("id")}"),
            ("POST", $"/v1/orgs/{org}/keys/{key.Str("id")}/rotate"), ("POST", "/v1/keys/verify"),
        })
        {
            // A fresh connection each time: Kestrel closes one whose oversized body it did not read.
            using var client = _host.Client(bearer: ApiHost.OperatorToken);
            (await client.Send(new HttpMethod(method), path, huge)).Problem(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        }

        Assert.Equal("VALID", (await _host.Verify(key.Str("key"))).Str("code"));
    }

    [Fact]
    public async Task OversizedHeaders_AreRefusedByKestrel_With431_AndTheServerStaysUp()
    {
        using var big = _host.Client();
        big.DefaultRequestHeaders.TryAddWithoutValidation("X-Junk", new string('a', SecurityComposition.MaxRequestHeadersTotalSize + 1));
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, (await big.PostAsync("/v1/keys/verify", null)).StatusCode);

        using var many = _host.Client();
        for (var i = 0; i <= SecurityComposition.MaxRequestHeaderCount; i++)
        {
            many.DefaultRequestHeaders.TryAddWithoutValidation($"X-Junk-{i}", "x");
        }

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, (await many.GetAsync("/health/live")).StatusCode);

        var longLine = await _host.Anonymous.GetAsync("/v1/orgs/x/keys?search=" + new string('a', SecurityComposition.MaxRequestLineSize + 1));
        Assert.Equal(HttpStatusCode.RequestUriTooLong, longLine.StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await _host.Anonymous.GetAsync("/health/live")).StatusCode);
    }

    [Theory]
    [InlineData(SecurityComposition.MaxJsonDepth + 1)]
    [InlineData(30_000)]
    public async Task DeeplyNestedJson_Is400(int depth)
    {
        using var onPurpose = OpenApiContract.InvalidRequestsOnPurpose();
        var body = new StringBuilder("{\"key\":\"kg_x\",\"junk\":");
        body.Append('[', depth - 1).Append(']', depth - 1).Append('}');
        (await _host.Anonymous.Send(HttpMethod.Post, "/v1/keys/verify", body.ToString())).Problem(HttpStatusCode.BadRequest, "validation_failed");
        var org = await _host.NewOrg();
        (await _host.Operator.Send(HttpMethod.Post, $"/v1/orgs/{org}/keys", body.ToString())).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task NestingWithinTheLimit_IsStillAnswered()
    {
        var body = new StringBuilder("{\"key\":\"kg_x\",\"junk\":");
        body.Append('[', SecurityComposition.MaxJsonDepth - 2).Append(']', SecurityComposition.MaxJsonDepth - 2).Append('}');
        Assert.Equal("NOT_FOUND", (await _host.Anonymous.Send(HttpMethod.Post, "/v1/keys/verify", body.ToString())).Ok().Str("code"));
    }

    [Fact]
    public async Task ListsPastTheirLimits_Are400_AndNothingIsCreated()
    {
        var org = await _host.NewOrg();
        var tooMany = (int n, string value) => Enumerable.Repeat(value, n).ToArray();
        (await _host.Operator.Post($"/v1/orgs/{org}/keys", new { roles = tooMany(Validation.MaxRolesPerKey + 1, "viewer") })).Problem(HttpStatusCode.BadRequest, "validation_failed");
        (await _host.Operator.Post($"/v1/orgs/{org}/keys", new { roles = tooMany(5_000, "viewer") })).Problem(HttpStatusCode.BadRequest, "validation_failed");
        (await _host.Operator.Post($"/v1/orgs/{org}/keys", new { roles = new[] { "viewer" }, allowedIps = tooMany(Validation.MaxAllowedIps + 1, "10.0.0.1") })).Problem(HttpStatusCode.BadRequest, "validation_failed");
        (await _host.Operator.Put($"/v1/orgs/{org}/roles/many", new { permissions = tooMany(Validation.MaxPermissionsPerRole + 1, "a:b") })).Problem(HttpStatusCode.BadRequest, "validation_failed");
        (await _host.Anonymous.Post("/v1/keys/verify", new { key = "kg_x", permissions = tooMany(21, "a:b") })).Problem(HttpStatusCode.BadRequest, "validation_failed");

        Assert.Equal(0, (await _host.Operator.Get($"/v1/orgs/{org}")).Body.GetProperty("activeKeyCount").GetInt32());
        Assert.DoesNotContain("\"many\"", (await _host.Operator.Get($"/v1/orgs/{org}/roles")).Ok().Body.ToString());
    }
}
