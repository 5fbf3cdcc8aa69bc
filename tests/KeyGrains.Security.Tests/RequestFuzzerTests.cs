using System.Net;
using System.Text;

namespace KeyGrains.Security.Tests;

/// <summary>
/// Seeded junk over every endpoint and credential kind: every answer is below 500 and, when it has
/// a body and is an error, problem details with a code; afterwards every key verifies as before.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class RequestFuzzerTests(ApiFixture fixture)
{
    private const int Requests = 1500;
    private readonly ApiHost _host = fixture.Host;

    private static readonly (string Method, string Path)[] Endpoints =
    [
        ("POST", "/v1/orgs"), ("GET", "/v1/orgs/{org}"), ("PATCH", "/v1/orgs/{org}"),
        ("GET", "/v1/orgs/{org}/roles"), ("PUT", "/v1/orgs/{org}/roles/{role}"), ("DELETE", "/v1/orgs/{org}/roles/{role}"),
        ("POST", "/v1/orgs/{org}/keys"), ("GET", "/v1/orgs/{org}/keys{query}"), ("GET", "/v1/orgs/{org}/keys/{key}"),
        ("PATCH", "/v1/orgs/{org}/keys/{key}"), ("POST", "/v1/orgs/{org}/keys/{key}/revoke"), ("POST", "/v1/orgs/{org}/keys/{key}/rotate"),
        ("DELETE", "/v1/orgs/{org}/keys/{key}"), ("GET", "/v1/keys/self"), ("POST", "/v1/keys/verify"),
        ("GET", "/v1/orgs/{org}/audit{query}"), ("GET", "/health/ready"), ("TRACE", "/v1/orgs"), ("OPTIONS", "/v1/keys/verify"),
    ];

    private static readonly string[] Junk =
    [
        "", "%00", "..%2F..%2Fetc%2Fpasswd", "%ff%fe", "\u00fc\u00f1\u00ed", "%E2%80%AE", "' OR 1=1 --", "{org}", new string('a', 300),
        "kg_" + new string('a', 66), "-", "UPPER", "%20", "a%2Fb", "%25", ".", "..",
    ];

    private static readonly string[] Queries =
    [
        "", "?limit=-1", "?limit=0", "?limit=99999999999999999999", "?limit=abc", "?limit=1e3", "?status=%00", "?status=ACTIVE",
        "?status=active&status=revoked", "?cursor=garbage", "?cursor=%ff%ff", "?before=AAAA", "?search=%00%1f", "?search=" + new string('x', 2000),
        "?limit=1&limit=2", "?%=%", "?limit=%E2%80%AE1",
    ];

    [Fact]
    public async Task JunkOverEveryEndpoint_IsAnsweredBelow500_WithProblemDetails_AndLeavesEveryKeyAsItWas()
    {
        var org = await _host.NewOrg(keyLimit: 1000);
        var other = await _host.NewOrg();
        var admin = await _host.NewKey(org, ["admin"]);
        var viewer = await _host.NewKey(org, ["viewer"]);
        var target = await _host.NewKey(org, ["viewer"]);
        var outsider = await _host.NewKey(other, ["admin"]);
        var revoked = await _host.NewKey(org, ["admin"]);
        (await _host.Operator.Post($"/v1/orgs/{org}/keys/{revoked.Str("id")}/revoke")).Ok();
        var keys = new[] { admin, viewer, target, outsider, revoked };
        var before = await VerifyAll(keys);

        var credentials = new (string? Bearer, string? ApiKey)[]
        {
            (null, null), (ApiHost.OperatorToken, null), (null, admin.Str("key")), (admin.Str("key"), null), (null, viewer.Str("key")),
            (null, outsider.Str("key")), (null, revoked.Str("key")), ("kgop_guess", null), (null, "kg_" + new string('z', 66)),
            (admin.Str("key"), viewer.Str("key")), ("\u00e9\u00e9", null),
        };
        var random = new Random(7);
        var touched = false;
        var statuses = new Dictionary<int, int>();
        var skipped = 0;
        for (var i = 0; i < Requests; i++)
        {
            var (method, template) = Endpoints[random.Next(Endpoints.Length)];
            var path = template
                .Replace("{org}", Pick(random, org, other, Junk))
                .Replace("{key}", Pick(random, target.Str("id"), admin.Str("id"), Junk, safe: target.Str("id")))
                .Replace("{role}", Pick(random, "ops", "viewer", Junk))
                .Replace("{query}", Queries[random.Next(Queries.Length)]);
            var (body, contentType) = Body(random);
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }

            var oversized = body?.Length > 65_536;
            if (random.Next(20) == 0)
            {
                var size = random.Next(1, 40_000);
                oversized |= size > 30_000;
                request.Headers.TryAddWithoutValidation("X-Junk", new string('h', size));
            }

            // A connection per request: Kestrel closes one after refusing a request itself, and a
            // reused connection would fail the next request for a reason that is not the server's.
            var (bearer, apiKey) = credentials[random.Next(credentials.Length)];
            using var client = Client(bearer, apiKey);
            HttpResponseMessage response;
            try
            {
                response = await client.SendAsync(request);
            }
            catch (HttpRequestException) when (oversized)
            {
                // Kestrel may reset the connection while refusing an oversized body or headers, before the client reads the answer.
                skipped++;
                continue;
            }

            statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
            var text = await response.Content.ReadAsStringAsync();
            var what = $"{method} {path} [{(body is null ? "" : Encoding.UTF8.GetString(body[..Math.Min(body.Length, 120)]))}] -> {(int)response.StatusCode} {text[..Math.Min(text.Length, 300)]}";
            Assert.True((int)response.StatusCode < 500, what);
            using (OpenApiContract.InvalidRequestsOnPurpose())
            {
                // The junk is sent on purpose; what the server answers to it must still be what the document says.
                await OpenApiContract.CheckAsync(request, null, response, text);
            }

            if ((int)response.StatusCode >= 400 && text.Length > 0)
            {
                Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", what);
                Assert.Contains("\"code\":\"", text);
            }

            touched |= response.IsSuccessStatusCode && method is not "GET" && path.Contains(target.Str("id"), StringComparison.Ordinal);
        }

        // Most requests must have been answered, and the junk must have reached more than one kind of answer.
        Assert.True(skipped < Requests / 10, $"{skipped} connections reset");
        Assert.True(statuses.Count >= 6, string.Join(", ", statuses));
        Assert.True(statuses.Keys.Any(s => s is >= 200 and < 300), string.Join(", ", statuses));

        var after = await VerifyAll(keys);
        for (var i = 0; i < keys.Length; i++)
        {
            // The target key may have been changed through a call that was allowed to change it; none other may.
            if (keys[i] != target || !touched)
            {
                Assert.Equal(before[i], after[i]);
            }
        }
    }

    private HttpClient Client(string? bearer, string? apiKey)
    {
        // UTF-8 on the wire, so that non-ASCII credentials reach the server instead of being refused by the client.
        var handler = new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 };
        var client = new HttpClient(handler) { BaseAddress = _host.Address };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + bearer);
        }

        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("X-API-Key", apiKey);
        }

        return client;
    }

    private async Task<string[]> VerifyAll(Answer[] keys) =>
        await Task.WhenAll(keys.Select(async k => (await _host.Verify(k.Str("key"))).Body.GetRawText()));

    /// <summary>Mostly real ids, sometimes junk; key paths only ever name the target key, so the others stay comparable.</summary>
    private static string Pick(Random random, string first, string second, string[] junk, string? safe = null) => random.Next(4) switch
    {
        0 => Uri.EscapeDataString(junk[random.Next(junk.Length)]) is var j && random.Next(2) == 0 ? j : junk[random.Next(junk.Length)],
        1 => safe ?? second,
        _ => first,
    };

    private static (byte[]? Body, string ContentType) Body(Random random)
    {
        var json = "application/json";
        string? text = random.Next(24) switch
        {
            0 => null,
            1 => "",
            2 => "{",
            3 => "null",
            4 => "[]",
            5 => "\"a string\"",
            6 => "{\"name\":123,\"roles\":\"admin\",\"keyLimit\":\"ten\"}",
            7 => "{\"keyLimit\":1e309}",
            8 => "{\"keyLimit\":99999999999999999999,\"gracePeriodSeconds\":-1}",
            9 => "{\"gracePeriodSeconds\":1.5}",
            10 => "{\"expiresAt\":\"not a date\",\"roles\":[\"viewer\"]}",
            11 => "{\"name\":\"a\\u0000b\\u001fc\\u007f\",\"roles\":[\"viewer\"]}",
            12 => "{\"name\":\"\u202e\ud835\udd18\u00e9\u200b\",\"roles\":[\"viewer\"]}",
            13 => "{\"name\":\"" + new string('n', random.Next(90, 20_000)) + "\"}",
            14 => "{\"junk\":" + new string('[', random.Next(30, 20_000)) + "}",
            15 => "{\"name\":\"" + new string('x', 70_000) + "\"}",
            16 => "{\"roles\":[\"viewer\"],\"allowedIps\":[\"300.1.1.1\",\"::ffff:999\",\"10.0.0.0/33\",\"fe80::1%eth0\"]}",
            17 => "{\"permissions\":[\"*:*:*\",\"\",\"a:b\"]}",
            18 => "{\"key\":123,\"ip\":[1]}",
            19 => "{\"key\":\"kg_\\u0000\",\"ip\":\"1.2.3.4%eth0\",\"permissions\":[\"a:*\"]}",
            20 => "{\"name\":\"a\",\"name\":\"b\",\"roles\":[\"viewer\",\"viewer\"]}",
            21 => "\ufeff{\"name\":\"bom\"}",
            22 => null,
            _ => "{\"roles\":[" + string.Join(",", Enumerable.Repeat("\"viewer\"", random.Next(21, 3000))) + "]}",
        };
        if (random.Next(24) == 22)
        {
            return ([0xff, 0xfe, 0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d], json);
        }

        var contentType = random.Next(10) switch
        {
            0 => "text/plain",
            1 => "application/x-www-form-urlencoded",
            2 => "application/json; charset=utf-16",
            3 => "application/problem+json",
            _ => json,
        };
        return (text is null ? null : Encoding.UTF8.GetBytes(text), contentType);
    }
}
