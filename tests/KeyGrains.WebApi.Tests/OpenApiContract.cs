using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace KeyGrains.WebApi.Tests;

/// <summary>
/// Holds every request the tests send and every answer they get to the OpenAPI document the server
/// under test publishes (fetched once per host), so the document cannot drift from the behaviour.
/// Schemas are checked with JsonSchema.Net (OpenAPI 3.1 schemas are JSON Schema 2020-12); a concrete
/// path maps to the document's template whose literal segments all match, each <c>{name}</c>
/// matching one non-empty segment, preferring the template with the most literal segments.
/// </summary>
public static class OpenApiContract
{
    public const string DocumentPath = "/openapi/v1.json";

    private static readonly ConcurrentDictionary<string, Lazy<Task<Document>>> Documents = new();
    private static readonly AsyncLocal<bool> OnPurpose = new();

    /// <summary>Within the scope, request bodies are not checked (malformed JSON, wrong types sent on purpose); answers still are.</summary>
    public static IDisposable InvalidRequestsOnPurpose()
    {
        var before = OnPurpose.Value;
        OnPurpose.Value = true;
        return new Scope(() => OnPurpose.Value = before);
    }

    public static async Task CheckAsync(HttpRequestMessage request, string? requestBody, HttpResponseMessage response, string responseBody)
    {
        var uri = request.RequestUri!;

        // Kestrel refuses malformed requests and oversized headers or URIs itself, with no body, before any endpoint runs.
        var kestrels = response.StatusCode is System.Net.HttpStatusCode.BadRequest or System.Net.HttpStatusCode.RequestHeaderFieldsTooLarge or System.Net.HttpStatusCode.RequestUriTooLong;
        if (uri.AbsolutePath == DocumentPath || (kestrels && responseBody.Length == 0))
        {
            return;
        }

        var origin = uri.GetLeftPart(UriPartial.Authority);
        var document = await Documents.GetOrAdd(origin, o => new Lazy<Task<Document>>(() => Document.LoadAsync(o))).Value;
        var failures = document.Check(request, requestBody, !OnPurpose.Value, response, responseBody);
        if (failures.Count > 0)
        {
            Assert.Fail($"{request.Method} {uri.PathAndQuery} -> {(int)response.StatusCode} does not match the OpenAPI document:\n  "
                + string.Join("\n  ", failures) + $"\n  request: {Cut(requestBody)}\n  answer: {Cut(responseBody)}");
        }
    }

    /// <summary>For clients that do not go through <c>Http.Send</c> (a generated client): checks every exchange the same way.</summary>
    public sealed class CheckingHandler() : DelegatingHandler(new HttpClientHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var sent = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            var response = await base.SendAsync(request, cancellationToken);
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            await CheckAsync(request, sent, response, await response.Content.ReadAsStringAsync(cancellationToken));
            return response;
        }
    }

    private static string Cut(string? text) => text is null ? "(none)" : text.Length > 600 ? text[..600] + "..." : text;

    private sealed class Scope(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }

    private sealed class Document(JsonObject root)
    {
        private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

        private readonly JsonObject _defs = RewriteRefs(root["components"]?["schemas"]?.DeepClone() as JsonObject ?? []);
        private readonly (string Template, string[] Segments, JsonObject Item)[] _paths = [.. ((JsonObject)root["paths"]!)
            .Select(p => (p.Key, p.Key.Trim('/').Split('/'), (JsonObject)p.Value!))
            .OrderByDescending(p => p.Item2.Count(s => !s.StartsWith('{')))];

        private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new();

        public static async Task<Document> LoadAsync(string origin)
        {
            using var client = new HttpClient { BaseAddress = new Uri(origin) };
            var text = await client.GetStringAsync(DocumentPath);
            return new Document((JsonObject)JsonNode.Parse(text)!);
        }

        public List<string> Check(HttpRequestMessage request, string? requestBody, bool checkRequest, HttpResponseMessage response, string responseBody)
        {
            var failures = new List<string>();
            var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var operation = Find(request.RequestUri!.AbsolutePath, request.Method.Method.ToLowerInvariant(), out var template);
            var answerType = response.Content.Headers.ContentType?.MediaType;
            if (operation is null)
            {
                // Outside the document (unknown route or method, health, console): a problem must still be one.
                if (answerType == "application/problem+json")
                {
                    CheckBody(failures, "answer", "#/$defs/Problem", Parse(responseBody));
                }

                return failures;
            }

            if (checkRequest && requestBody is { Length: > 0 })
            {
                var requestType = request.Content?.Headers.ContentType?.MediaType;
                if (operation["requestBody"]?["content"]?[requestType ?? ""] is not { } media)
                {
                    failures.Add($"{template} declares no request body of type {requestType}");
                }
                else
                {
                    CheckBody(failures, "request", media["schema"], Parse(requestBody));
                }
            }

            if (operation["responses"]?[status] is not { } declared)
            {
                failures.Add($"{template} declares no {status} answer");
                return failures;
            }

            if (declared["content"] is not JsonObject content || content.Count == 0)
            {
                if (responseBody.Length > 0)
                {
                    failures.Add($"the {status} answer is declared without a body");
                }
            }
            else if (content[answerType ?? ""] is not { } media)
            {
                failures.Add($"the {status} answer's type {answerType} is not one of {string.Join(", ", content.Select(c => c.Key))}");
            }
            else
            {
                CheckBody(failures, "answer", media["schema"], Parse(responseBody));
            }

            return failures;
        }

        private JsonObject? Find(string path, string method, out string template)
        {
            var segments = path.Trim('/').Split('/');
            foreach (var (t, s, item) in _paths)
            {
                if (s.Length == segments.Length && s.Zip(segments).All(p => p.First.StartsWith('{') ? p.Second.Length > 0 : p.First == p.Second))
                {
                    template = t;
                    return item[method] as JsonObject;
                }
            }

            template = path;
            return null;
        }

        private static JsonElement? Parse(string text)
        {
            try
            {
                return text.Length == 0 ? null : JsonDocument.Parse(text).RootElement.Clone();
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private void CheckBody(List<string> failures, string what, JsonNode? schema, JsonElement? body)
        {
            if (body is not { } instance)
            {
                failures.Add($"the {what} is not JSON");
                return;
            }

            var key = schema is JsonValue v ? v.ToString() : RewriteRefs(schema?.DeepClone() ?? new JsonObject()).ToJsonString();
            var compiled = _schemas.GetOrAdd(key, Compile);
            var result = compiled.Evaluate(instance, Evaluation);
            if (!result.IsValid)
            {
                failures.AddRange((result.Details ?? [result])
                    .Where(d => d.Errors is { Count: > 0 })
                    .Select(d => $"{what} {d.InstanceLocation}: {string.Join("; ", d.Errors!.Values)} (schema {d.EvaluationPath})"));
            }
        }

        private JsonSchema Compile(string key)
        {
            // $id before $ref: the build reads keywords in order, and $ref needs the base.
            var root = new JsonObject
            {
                ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
                ["$id"] = $"https://keygrains.test/schemas/{Guid.NewGuid():N}",
                ["$defs"] = _defs.DeepClone(),
            };
            var schema = key.StartsWith("#/", StringComparison.Ordinal) ? new JsonObject { ["$ref"] = key } : (JsonObject)JsonNode.Parse(key)!;
            foreach (var (name, value) in schema)
            {
                root[name] = value?.DeepClone();
            }

            return JsonSchema.FromText(root.ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        }

        private static JsonObject RewriteRefs(JsonNode node)
        {
            var text = node.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
            return (JsonObject)JsonNode.Parse(text)!;
        }
    }
}
