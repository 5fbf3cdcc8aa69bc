using System.Net;
using System.Text.Json;

namespace KeyGrains.Security.Tests;

/// <summary>Every admin route against every credential that must not pass: the contract's status, an audit entry, and no side effect.</summary>
[Collection(ApiCollection.Name)]
public sealed class TenantIsolationMatrixTests(ApiFixture fixture)
{
    private readonly ApiHost _host = fixture.Host;

    /// <summary>Every admin route of org <c>{0}</c> and key <c>{1}</c>; the last one names no organization.</summary>
    public static readonly (string Method, string Path, string? Body)[] Routes =
    [
        ("GET", "/v1/orgs/{0}", null),
        ("PATCH", "/v1/orgs/{0}", """{"keyLimit":1}"""),
        ("GET", "/v1/orgs/{0}/roles", null),
        ("PUT", "/v1/orgs/{0}/roles/ops", """{"permissions":["x:y"]}"""),
        ("DELETE", "/v1/orgs/{0}/roles/ops", null),
        ("POST", "/v1/orgs/{0}/keys", """{"roles":["viewer"]}"""),
        ("GET", "/v1/orgs/{0}/keys", null),
        ("GET", "/v1/orgs/{0}/keys/{1}", null),
        ("PATCH", "/v1/orgs/{0}/keys/{1}", """{"name":"renamed"}"""),
        ("POST", "/v1/orgs/{0}/keys/{1}/revoke", null),
        ("POST", "/v1/orgs/{0}/keys/{1}/rotate", null),
        ("DELETE", "/v1/orgs/{0}/keys/{1}", null),
        ("GET", "/v1/orgs/{0}/audit", null),
        ("POST", "/v1/orgs", """{"name":"intruder"}"""),
    ];

    [Theory]
    [InlineData("other-org-admin", HttpStatusCode.NotFound, "not_found")]
    [InlineData("viewer", HttpStatusCode.Forbidden, "forbidden")]
    [InlineData("editor", HttpStatusCode.Forbidden, "forbidden")]
    [InlineData("revoked-admin", HttpStatusCode.Unauthorized, "unauthenticated")]
    [InlineData("expired-admin", HttpStatusCode.Unauthorized, "unauthenticated")]
    [InlineData("ip-blocked-admin", HttpStatusCode.Unauthorized, "unauthenticated")]
    [InlineData("no-credential", HttpStatusCode.Unauthorized, "unauthenticated")]
    [InlineData("wrong-operator-token", HttpStatusCode.Unauthorized, "unauthenticated")]
    [InlineData("malformed-key", HttpStatusCode.Unauthorized, "unauthenticated")]
    public async Task EveryAdminRoute_RefusesTheCredential_AuditsIt_AndChangesNothing(string kind, HttpStatusCode expected, string code)
    {
        var org = await _host.NewOrg();
        (await _host.Operator.Put($"/v1/orgs/{org}/roles/ops", new { permissions = new[] { "a:b" } })).Ok();
        var target = await _host.NewKey(org, ["viewer"]);
        var (credential, secret) = await Credential(kind, org);
        var before = await Snapshot(org, target);

        foreach (var (method, path, body) in Routes)
        {
            var answer = await credential.Send(new HttpMethod(method), string.Format(path, org, target.Str("id")), body);

            // Creating an organization names none, so another org's admin gets 403 there, not 404.
            var (status, problem) = kind == "other-org-admin" && path == "/v1/orgs" ? (HttpStatusCode.Forbidden, "forbidden") : (expected, code);
            answer.Problem(status, problem);
        }

        Assert.Equal(before, await Snapshot(org, target));
        Assert.Equal("VALID", (await _host.Verify(target.Str("key"))).Str("code"));
        // One source, one organization: the refusals arrive as one aggregated event (or two, across a period).
        var refusals = await _host.RefusalEvents(org, Routes.Length - 1);
        Assert.InRange(refusals.Length, 1, 2);
        Assert.All(refusals, e => Assert.Equal("127.0.0.1", e.GetProperty("sourceIp").GetString()));
        var audit = (await _host.Operator.Get($"/v1/orgs/{org}/audit?limit=200")).Ok().Body;
        if (secret is not null)
        {
            Assert.DoesNotContain(secret, audit.ToString());
        }

        credential.Dispose();
    }

    private async Task<(HttpClient Client, string? Secret)> Credential(string kind, string org)
    {
        switch (kind)
        {
            case "other-org-admin":
                var other = (await _host.NewKey(await _host.NewOrg(), ["admin"])).Str("key");
                return (_host.Client(apiKey: other), other);
            case "viewer" or "editor":
                var member = (await _host.NewKey(org, [kind])).Str("key");
                return (_host.Client(apiKey: member), member);
            case "revoked-admin":
                var revoked = await _host.NewKey(org, ["admin"]);
                (await _host.Operator.Post($"/v1/orgs/{org}/keys/{revoked.Str("id")}/revoke")).Ok();
                return (_host.Client(apiKey: revoked.Str("key")), revoked.Str("key"));
            case "expired-admin":
                var expired = (await _host.NewKey(org, ["admin"], expiresAt: DateTimeOffset.UtcNow.AddSeconds(1))).Str("key");
                await Task.Delay(1200);
                return (_host.Client(bearer: expired), expired);
            case "ip-blocked-admin":
                var blocked = (await _host.NewKey(org, ["admin"], allowedIps: ["10.0.0.0/8", "2001:db8::/32"])).Str("key");
                return (_host.Client(apiKey: blocked), blocked);
            case "wrong-operator-token":
                return (_host.Client(bearer: ApiHost.OperatorToken + "x"), ApiHost.OperatorToken + "x");
            case "malformed-key":
                return (_host.Client(apiKey: "kg_not-a-key"), "kg_not-a-key");
            default:
                return (_host.Client(), null);
        }
    }

    /// <summary>The org, its roles, its keys (less lastUsedAt, which a successful authentication may move) and the target's verification.</summary>
    private async Task<string> Snapshot(string org, Answer target)
    {
        var keys = (await _host.Operator.Get($"/v1/orgs/{org}/keys?limit=1000")).Ok().Body.GetProperty("items").EnumerateArray()
            .Select(k => string.Join("|", k.EnumerateObject().Where(p => p.Name != "lastUsedAt").Select(p => p.Name + "=" + p.Value.GetRawText())));
        return string.Join("\n",
            (await _host.Operator.Get($"/v1/orgs/{org}")).Ok().Body.GetRawText(),
            (await _host.Operator.Get($"/v1/orgs/{org}/roles")).Ok().Body.GetRawText(),
            string.Join("\n", keys),
            (await _host.Verify(target.Str("key"))).Body.GetRawText(),
            JsonSerializer.Serialize((await _host.Operator.Get($"/v1/orgs/{org}/audit?limit=200")).Body.GetProperty("items").EnumerateArray()
                .Count(e => e.GetProperty("action").GetString() != "auth.refused")));
    }
}
