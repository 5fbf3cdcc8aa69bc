using System.Net;
using System.Net.Http.Json;
using KeyGrains.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace KeyGrains.Integrations.Tests;

// The server's own NewKey (namespace KeyGrains) would win over the SDK's here.
using NewKey = KeyGrains.Client.NewKey;

/// <summary>The SDK's typed client and its authentication handler against a real KeyGrains.</summary>
[Collection(GatewayCollection.Name)]
public sealed class ClientTests(Gateways gateways)
{
    private readonly Server _server = gateways.Server;

    [Fact]
    public async Task TypedClient_CoversTheKeyLifecycle()
    {
        var client = _server.Operator;
        var org = await _server.NewOrgAsync();
        Assert.Equal(50, (await client.UpdateOrgAsync(org, new OrgChanges(KeyLimit: 50))).KeyLimit);
        Assert.Equal(org, (await client.GetOrgAsync(org)).Id);

        await client.PutRoleAsync(org, "deployer", new RoleDefinition(["clusters:write"], "ships"));
        Assert.Contains(await client.ListRolesAsync(org), r => r.Name == "deployer" && !r.BuiltIn);

        var created = await client.CreateKeyAsync(org, new KeySpec(["deployer"], "ci", "first"), idempotencyKey: new string('i', 32) + Guid.NewGuid().ToString("N"));
        Assert.StartsWith("kg", created.Secret, StringComparison.Ordinal);
        Assert.DoesNotContain(created.Secret, created.ToString(), StringComparison.Ordinal);
        Assert.Contains((await client.ListKeysAsync(org, status: "active")).Items, k => k.Id == created.Id);

        var changed = await client.UpdateKeyAsync(org, created.Id, new KeyChanges(Description: new Change<string?>(null), AllowedIps: new Change<string[]?>(["10.0.0.0/8"])));
        Assert.Null(changed.Description);
        Assert.Equal(["10.0.0.0/8"], changed.AllowedIps!);
        Assert.Equal("ci", changed.Name);

        var verified = await client.VerifyAsync(created.Secret, "10.1.2.3", ["clusters:write"]);
        Assert.Equal((true, VerificationCodes.Valid, org), (verified.Valid, verified.Code, verified.OrgId));
        Assert.Equal(VerificationCodes.IpNotAllowed, (await client.VerifyAsync(created.Secret, "192.0.2.1")).Code);

        var rotated = await client.RotateKeyAsync(org, created.Id, gracePeriodSeconds: 0);
        Assert.NotEqual(created.Secret, rotated.Secret);
        Assert.NotNull(rotated.PreviousSecretExpiresAt);
        Assert.Equal("revoked", (await client.RevokeKeyAsync(org, created.Id)).Status);
        await client.DeleteKeyAsync(org, created.Id);
        Assert.Contains((await client.GetAuditAsync(org, limit: 200)).Items, e => e.Action == "key.deleted");
    }

    [Fact]
    public async Task Problems_ArriveAsTypedExceptions_WithTheContractsCode()
    {
        var org = await _server.NewOrgAsync();

        var missing = await Assert.ThrowsAsync<KeyGrainsException>(() => _server.Operator.GetKeyAsync(org, "nosuchkey"));
        Assert.Equal((HttpStatusCode.NotFound, "not_found"), (missing.Status, missing.Code));

        var invalid = await Assert.ThrowsAsync<KeyGrainsException>(() => _server.Operator.CreateKeyAsync(org, new KeySpec([])));
        Assert.Equal("validation_failed", invalid.Code);
        Assert.True(invalid.Errors.ContainsKey("roles"));

        var self = await Assert.ThrowsAsync<KeyGrainsException>(() => _server.Operator.GetSelfAsync());
        Assert.Equal("forbidden", self.Code);
    }

    [Fact]
    public async Task AuthenticationHandler_GivesClaims_AndThePolicyHelperRequiresPermissions()
    {
        var org = await _server.NewOrgAsync();
        var viewer = await _server.NewKeyAsync(org, ["viewer"]);
        var editor = await _server.NewKeyAsync(org, ["editor"]);
        var fenced = await _server.NewKeyAsync(org, ["editor"], allowedIps: ["203.0.113.0/24"]);
        await using var service = await ServiceAsync();

        var whoami = await service.Http(viewer.Secret).GetFromJsonAsync<Dictionary<string, string>>("/whoami");
        Assert.Equal(viewer.Id, whoami!["keyId"]);
        Assert.Equal(org, whoami["orgId"]);
        Assert.Equal("viewer", whoami["roles"]);
        Assert.Equal("*:read", whoami["permissions"]);

        Assert.Equal(HttpStatusCode.Unauthorized, (await service.Http(null).GetAsync("/whoami")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await service.Http(viewer.Secret).PostAsync("/clusters", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.Http(editor.Secret, bearer: true).PostAsync("/clusters", null)).StatusCode);

        // The connection's address is the one checked: this service's callers come from loopback.
        Assert.Equal(HttpStatusCode.Unauthorized, (await service.Http(fenced.Secret).GetAsync("/whoami")).StatusCode);

        await _server.Operator.RevokeKeyAsync(org, editor.Id);
        Assert.Equal(HttpStatusCode.Unauthorized, (await service.Http(editor.Secret).PostAsync("/clusters", null)).StatusCode);
    }

    private async Task<Service> ServiceAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddKeyGrainsClient(o => o.BaseAddress = _server.Url);
        builder.Services.AddAuthentication(KeyGrainsClaims.Scheme).AddKeyGrainsApiKey();
        builder.Services.AddAuthorizationBuilder().AddKeyGrainsPermissionPolicy("clusters:write");
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/whoami", (System.Security.Claims.ClaimsPrincipal user) => new Dictionary<string, string>
        {
            ["keyId"] = user.FindFirst(KeyGrainsClaims.KeyId)!.Value,
            ["orgId"] = user.FindFirst(KeyGrainsClaims.OrgId)!.Value,
            ["roles"] = string.Join(',', user.FindAll(System.Security.Claims.ClaimTypes.Role).Select(c => c.Value)),
            ["permissions"] = string.Join(',', user.FindAll(KeyGrainsClaims.Permission).Select(c => c.Value)),
        }).RequireAuthorization();
        app.MapPost("/clusters", () => Results.Ok()).RequireAuthorization("clusters:write");
        await app.StartAsync();
        return new Service(app);
    }

    private sealed class Service(WebApplication app) : IAsyncDisposable
    {
        private readonly Uri _address = new(app.Urls.First());

        public HttpClient Http(string? key, bool bearer = false)
        {
            var http = new HttpClient { BaseAddress = _address };
            if (key is not null)
            {
                if (bearer)
                {
                    http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
                }
                else
                {
                    http.DefaultRequestHeaders.Add("X-API-Key", key);
                }
            }

            return http;
        }

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }
}
