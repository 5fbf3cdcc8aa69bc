using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace KeyGrains.Security.Tests;

/// <summary>
/// A full scenario with known secrets, then a search of everything the service wrote: its logs at
/// Debug (through the logging EventSource every host has, with the JSON console format's trace and
/// span scopes on), the audit log, <c>/metrics</c> and the SQLite files.
/// </summary>
[Collection(HygieneCollection.Name)]
public sealed partial class HygieneTests
{
    [Fact]
    public async Task Secrets_AndTheGeneratedOperatorToken_AppearInNoLog_NoAuditEntry_AndNoStorageFile()
    {
        var database = Path.Combine(Path.GetTempPath(), "keygrains-security-tests", Guid.NewGuid().ToString("N") + ".db");
        using var logs = new LogCapture();
        var console = Console.Out;
        var printed = new StringWriter();
        ApiHost host;
        Console.SetOut(printed);
        try
        {
            host = await ApiHost.StartAsync(new Dictionary<string, string?>
            {
                ["Authority:OperatorToken"] = null,
                ["Storage:SqlitePath"] = database,
                ["Logging:LogLevel:Default"] = "Debug",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Debug",
                ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Debug", // off by default; its request lines hold paths and queries
                ["Logging:LogLevel:Orleans"] = "Debug",
                ["Logging:Console:LogLevel:Default"] = "None",
                ["Logging:Console:FormatterName"] = "json",
            });
        }
        finally
        {
            Console.SetOut(console);
        }

        var token = OperatorToken().Match(printed.ToString()).Value;
        Assert.NotEmpty(token);
        var secrets = new List<string> { token };

        await using (host)
        {
            using var @operator = host.Client(bearer: token);
            var org = Scenario.NewOrgId();
            (await @operator.Post("/v1/orgs", new { id = org, name = "Hygiene" })).Ok(HttpStatusCode.Created);
            var admin = await host.NewKey(org, ["admin"], by: @operator);
            using var adminClient = host.Client(apiKey: admin.Str("key"));
            (await adminClient.Put($"/v1/orgs/{org}/roles/ops", new { permissions = new[] { "clusters:*" } })).Ok();
            var fenced = await host.NewKey(org, ["ops"], allowedIps: ["10.0.0.0/8"], by: adminClient);
            var rotated = (await adminClient.Post($"/v1/orgs/{org}/keys/{fenced.Str("id")}/rotate", new { gracePeriodSeconds = 600 })).Ok();
            var doomed = await host.NewKey(org, ["viewer"], by: adminClient);
            var guess = KeyTagger.Legacy.NewKey(admin.Str("id"));
            secrets.AddRange([admin.Str("key"), fenced.Str("key"), rotated.Str("key"), doomed.Str("key"), guess]);

            foreach (var key in new[] { fenced.Str("key"), rotated.Str("key") })
            {
                Assert.Equal("VALID", (await host.Verify(key, "10.1.2.3", ["clusters:write"])).Str("code"));
                Assert.Equal("IP_NOT_ALLOWED", (await host.Verify(key, "192.0.2.1")).Str("code"));
            }

            Assert.Equal("NOT_FOUND", (await host.Verify(guess)).Str("code"));
            (await adminClient.Post($"/v1/orgs/{org}/keys/{doomed.Str("id")}/revoke")).Ok();
            Assert.Equal("REVOKED", (await host.Verify(doomed.Str("key"))).Str("code"));
            (await adminClient.Delete($"/v1/orgs/{org}/keys/{doomed.Str("id")}")).Ok(HttpStatusCode.NoContent);
            using (var wrongKey = host.Client(apiKey: guess)) { (await wrongKey.Get($"/v1/orgs/{org}/keys")).Problem(HttpStatusCode.Unauthorized, "unauthenticated"); }
            using (var wrongToken = host.Client(bearer: token[..^1])) { (await wrongToken.Get($"/v1/orgs/{org}")).Problem(HttpStatusCode.Unauthorized, "unauthenticated"); }
            secrets.Add(token[..^1]);
            using (var both = host.Client(bearer: guess, apiKey: admin.Str("key"))) { (await both.Get($"/v1/orgs/{org}/keys")).Problem(HttpStatusCode.Unauthorized, "unauthenticated"); }

            Assert.NotEmpty(await host.RefusalEvents(org, 3, @operator));
            var audit = (await @operator.Get($"/v1/orgs/{org}/audit?limit=200")).Ok().Body.GetRawText();
            AssertNoSecret(secrets, "the audit log", Encoding.UTF8.GetBytes(audit));

            // Every series and label the scenario moved: codes, routes, Orleans' grain types, never a key.
            var metrics = await host.Anonymous.GetStringAsync("/metrics");
            Assert.Contains("keygrains_verifications_total{", metrics);
            Assert.Contains("http_server_request_duration_seconds_bucket{", metrics);
            AssertNoSecret(secrets, "/metrics", Encoding.UTF8.GetBytes(metrics));
        }

        Assert.Contains(logs.Events, e => e.Level == 1);
        AssertNoSecret(secrets, "the logs", Encoding.UTF8.GetBytes(string.Join("\n", logs.Events.Select(e => e.Text))));
        var files = Directory.GetFiles(Path.GetDirectoryName(database)!, Path.GetFileName(database) + "*");
        Assert.Contains(database, files);
        foreach (var file in files)
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var bytes = new MemoryStream();
            await stream.CopyToAsync(bytes);
            Assert.True(bytes.Length > 0 || file != database);
            AssertNoSecret(secrets, file, bytes.ToArray());
        }
    }

    /// <summary>The whole secret and its random part, in UTF-8 and UTF-16.</summary>
    private static void AssertNoSecret(IEnumerable<string> secrets, string where, byte[] haystack)
    {
        foreach (var secret in secrets)
        {
            var part = secret.StartsWith(ApiKeyFormat.Prefix, StringComparison.Ordinal) ? secret[(4 + ApiKeyFormat.IdLength)..] : secret;
            foreach (var needle in new[] { Encoding.UTF8.GetBytes(part), Encoding.Unicode.GetBytes(part) })
            {
                Assert.True(haystack.AsSpan().IndexOf(needle) < 0, $"A secret ending in {secret[^4..]} was found in {where}.");
            }
        }
    }

    [GeneratedRegex("kgop_[0-9A-Za-z]{43}")]
    private static partial Regex OperatorToken();

    /// <summary>Every log event of the process, at every level, through Microsoft.Extensions.Logging's EventSource.</summary>
    private sealed class LogCapture : EventListener
    {
        public ConcurrentQueue<(int Level, string Text)> Events { get; } = new();

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "Microsoft-Extensions-Logging")
            {
                // FormattedMessage (4) and JsonMessage (8): the message, its arguments and any exception.
                EnableEvents(source, EventLevel.Verbose, (EventKeywords)(4 | 8));
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.Payload is { Count: > 0 } payload)
            {
                var level = payload[0] is int l ? l : -1;
                Events?.Enqueue((level, string.Join(" ", payload.Select(p => p?.ToString()))));
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class HygieneCollection
{
    public const string Name = "hygiene";
}
