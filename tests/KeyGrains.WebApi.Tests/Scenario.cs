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

    /// <summary>
    /// Readiness answers from a probe result up to a second old: polls until it says
    /// <paramref name="expected"/> or the time is up, and returns what it said last.
    /// </summary>
    public static async Task<System.Net.HttpStatusCode> ReadinessWithin(this ApiHost host, System.Net.HttpStatusCode expected, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var status = (await host.Anonymous.GetAsync("/health/ready")).StatusCode;
            if (status == expected || DateTime.UtcNow > deadline)
            {
                return status;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>
    /// The <c>auth.refused</c> events of <paramref name="orgId"/> once they count at least
    /// <paramref name="refusals"/> refused calls: refusals reach the audit log aggregated, a period later.
    /// </summary>
    public static async Task<System.Text.Json.JsonElement[]> RefusalEvents(this ApiHost host, string orgId, int refusals, HttpClient? by = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var events = (await (by ?? host.Operator).Get($"/v1/orgs/{orgId}/audit?limit=200")).Ok().Body.GetProperty("items").EnumerateArray()
                .Where(e => e.GetProperty("action").GetString() == "auth.refused").Select(e => e.Clone()).ToArray();
            var counted = events.Sum(e => int.Parse(e.GetProperty("details").GetProperty("count").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
            if (counted >= refusals || DateTime.UtcNow > deadline)
            {
                Assert.Equal(refusals, counted);
                return events;
            }

            await Task.Delay(100);
        }
    }

    public static Task<Answer> Verify(this ApiHost host, string key, string? ip = null, string[]? permissions = null) =>
        host.Anonymous.Post("/v1/keys/verify", new { key, ip, permissions });
}
