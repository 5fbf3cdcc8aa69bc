namespace KeyGrains.WebApi.Tests;

/// <summary>Fresh organizations and keys for one test, so tests share a host but no data.</summary>
public static class Scenario
{
    public static string NewOrgId() => "t-" + Guid.NewGuid().ToString("N")[..20];

    public static async Task<string> NewOrg(this ApiHost host, string plan = "standard", int keyLimit = 50)
    {
        var id = NewOrgId();
        (await host.Operator.Post("/v1/orgs", new { id, name = "Test " + id, plan, keyLimit })).Ok(System.Net.HttpStatusCode.Created);
        return id;
    }

    /// <summary>Creates a key (as the operator unless <paramref name="by"/>); returns the whole answer.</summary>
    public static async Task<Answer> NewKey(this ApiHost host, string orgId, string[]? roles = null, string? name = null,
        string[]? allowedIps = null, DateTimeOffset? expiresAt = null, HttpClient? by = null, string? description = null)
    {
        var answer = await (by ?? host.Operator).Post($"/v1/orgs/{orgId}/keys",
            new { name = name ?? "key", description, roles = roles ?? ["admin"], allowedIps, expiresAt });
        return answer.Ok(System.Net.HttpStatusCode.Created);
    }

    public static async Task<HttpClient> AdminClient(this ApiHost host, string orgId) =>
        host.Client(apiKey: (await host.NewKey(orgId, ["admin"])).Str("key"));

    public static Task<Answer> Verify(this ApiHost host, string key, string? ip = null, string[]? permissions = null) =>
        host.Anonymous.Post("/v1/keys/verify", new { key, ip, permissions });
}
