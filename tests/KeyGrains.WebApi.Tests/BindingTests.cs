using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace KeyGrains.WebApi.Tests;

/// <summary>Typed bodies bound by the framework, and the rules the web API and the grains share.</summary>
[Collection(ApiCollection.Name)]
public sealed class BindingTests(ApiFixture fixture)
{
    private readonly ApiHost _host = fixture.Host;

    [Theory]
    [InlineData("/v1/orgs", "POST", """{"name":"Acme","keyLimit":"ten"}""", "keyLimit")]
    [InlineData("/v1/orgs", "POST", """{"name":["Acme"]}""", "name")]
    [InlineData("/v1/orgs", "POST", """{"name":"Acme","plan":"gold"}""", "plan")]
    [InlineData("/v1/orgs/{org}/keys", "POST", """{"roles":"viewer"}""", "roles")]
    [InlineData("/v1/orgs/{org}/keys/{key}", "PATCH", """{"description":42}""", "description")]
    [InlineData("/v1/orgs/{org}/keys/{key}/rotate", "POST", """{"gracePeriodSeconds":"soon"}""", "gracePeriodSeconds")]
    [InlineData("/v1/orgs/{org}/roles/ops", "PUT", """{"permissions":{"a":"b"}}""", "permissions")]
    public async Task WrongJsonTypeInAMember_Returns400_NamingTheMember(string template, string method, string body, string field)
    {
        using var onPurpose = OpenApiContract.InvalidRequestsOnPurpose();
        var org = await _host.NewOrg();
        var key = (await _host.NewKey(org, ["viewer"])).Str("id");
        var path = template.Replace("{org}", org).Replace("{key}", key);

        var answer = (await _host.Operator.Send(new HttpMethod(method), path, body)).Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(answer.Body.GetProperty("errors").TryGetProperty(field, out _), answer.Body.ToString());
    }

    [Fact]
    public async Task PatchOrg_AbsentMemberKeepsIt_ExplicitNullIsRefused()
    {
        using var onPurpose = OpenApiContract.InvalidRequestsOnPurpose();
        var org = await _host.NewOrg(keyLimit: 7);
        var renamed = (await _host.Operator.Patch($"/v1/orgs/{org}", new { name = "Renamed" })).Ok();
        Assert.Equal(7, renamed.Body.GetProperty("keyLimit").GetInt32());

        // Only a setter that records presence can tell this body from {}.
        var answer = (await _host.Operator.Patch($"/v1/orgs/{org}", """{"keyLimit":null}""")).Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(answer.Body.GetProperty("errors").TryGetProperty("keyLimit", out _), answer.Body.ToString());
        (await _host.Operator.Patch($"/v1/orgs/{org}", "{}")).Ok();
    }

    [Fact]
    public async Task PatchKey_ExplicitNullClearsOnlyThatMember()
    {
        var org = await _host.NewOrg();
        var created = await _host.NewKey(org, ["viewer"], name: "n", description: "d", allowedIps: ["10.0.0.0/8"], expiresAt: DateTimeOffset.UtcNow.AddDays(1));

        var key = (await _host.Operator.Patch($"/v1/orgs/{org}/keys/{created.Str("id")}", """{"description":null}""")).Ok();
        Assert.Equal(JsonValueKind.Null, key.Body.GetProperty("description").ValueKind);
        Assert.Equal(JsonValueKind.String, key.Body.GetProperty("expiresAt").ValueKind);
        Assert.Equal(1, key.Body.GetProperty("allowedIps").GetArrayLength());
        Assert.Equal("n", key.Str("name"));
    }

    [Fact]
    public async Task TheGrainAndTheWebApi_GiveOneMessagePerBrokenRule()
    {
        var org = await _host.NewOrg();
        var grain = _host.Services.GetRequiredService<IGrainFactory>().GetGrain<IOrganizationGrain>(org);

        var http = await _host.Operator.Patch($"/v1/orgs/{org}", new { keyLimit = 5000 });
        var thrown = await Assert.ThrowsAsync<DomainException>(() => grain.Update(new UpdateOrg(null, null, 5000), Caller.Operator()));
        Assert.Equal(thrown.Message, Message(http, "keyLimit"));

        http = await _host.Operator.Post($"/v1/orgs/{org}/keys", new { roles = new[] { "viewer" }, allowedIps = new[] { "10.0.0.0/33" } });
        thrown = await Assert.ThrowsAsync<DomainException>(() =>
            grain.CreateKey(new CreateKey("", null, ["viewer"], null, ["10.0.0.0/33"]), Caller.Operator()));
        Assert.Equal(thrown.Message, Message(http, "allowedIps"));

        http = await _host.Operator.Put($"/v1/orgs/{org}/roles/ops", new { permissions = new[] { "a:b:c" } });
        thrown = await Assert.ThrowsAsync<DomainException>(() => grain.UpsertRole("ops", null, ["a:b:c"], Caller.Operator()));
        Assert.Equal(thrown.Message, Message(http, "permissions"));
    }

    private static string? Message(Answer answer, string field) =>
        answer.Problem(HttpStatusCode.BadRequest, "validation_failed").Body.GetProperty("errors").GetProperty(field)[0].GetString();
}
