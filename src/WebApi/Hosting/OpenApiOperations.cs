using System.Text.Json.Nodes;
using KeyGrains.WebApi.Apis;
using KeyGrains.WebApi.Http;
using KeyGrains.WebApi.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace KeyGrains.WebApi.Hosting;

/// <summary>
/// Per operation: the credentials its authorization policy accepts, and each error answer with
/// the contract's <c>code</c>s, from the endpoint's own metadata (<see cref="ErrorAnswer"/>).
/// </summary>
internal sealed class OpenApiOperations : IOpenApiOperationTransformer
{
    public const string OperatorToken = "OperatorToken";
    public const string ApiKey = "ApiKey";
    public const string ApiKeyBearer = "ApiKeyBearer";
    public const string Problem = "Problem";

    private static readonly Dictionary<int, string> DefaultErrors = new()
    {
        [400] = "`validation_failed`: the body is not JSON, or a member or query parameter is not valid; `errors` names them.",
        [401] = "`unauthenticated`: no credential, an unknown one, or a revoked, expired or IP-blocked key.",
        [403] = "`forbidden`: the credential may not do this (an operator-only call, or a key without the `admin` role).",
        [404] = "`not_found`: the organization or the resource does not exist, or belongs to another organization.",
        [409] = "`conflict`: the request conflicts with the current state.",
        [413] = "`payload_too_large`: the body is over 65,536 bytes.",
        [415] = "`unsupported_media_type`: the body is not JSON (`Content-Type: application/json`).",
        [429] = "`too_many_requests`: this source is past its failure budget; retry after `Retry-After` seconds.",
        [503] = "`service_unavailable`: the cluster or its storage did not answer in time; retry after `Retry-After` seconds.",
    };

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).ToHashSet();
        string[][] alternatives =
            policies.Contains(KeyGrainsAuthorization.Operator) ? [[OperatorToken]]
            : policies.Contains(KeyGrainsAuthorization.OrgAdmin) ? [[OperatorToken], [ApiKey], [ApiKeyBearer]]
            : policies.Contains(KeyGrainsAuthorization.AnyKey) ? [[ApiKey], [ApiKeyBearer]]
            : [];
        operation.Security = alternatives.Length == 0 ? null : alternatives
            .Select(a => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(a[0], context.Document)] = [] })
            .ToList();

        // Verification lets any media type reach its handler only to answer it 400; JSON is all it accepts.
        if (operation.RequestBody?.Content is { } media && media.ContainsKey("application/json"))
        {
            foreach (var other in media.Keys.Where(k => k != "application/json").ToList())
            {
                media.Remove(other);
            }
        }

        var hasBody = operation.RequestBody is not null;
        var hasQuery = operation.Parameters?.Any(p => p.In == ParameterLocation.Query) == true;
        var specific = metadata.OfType<ErrorAnswer>().ToDictionary(e => e.Status, e => e.Description);
        foreach (var (status, response) in operation.Responses?.ToList() ?? [])
        {
            var code = int.Parse(status, System.Globalization.CultureInfo.InvariantCulture);
            if (code < 400)
            {
                continue;
            }

            // Group-wide answers that need a body or a query parameter cannot happen without one.
            if ((code is 413 or 415 && !hasBody) || (code == 400 && !hasBody && !hasQuery && !specific.ContainsKey(400)))
            {
                operation.Responses!.Remove(status);
                continue;
            }

            operation.Responses![status] = ProblemAnswer(code, specific.GetValueOrDefault(code) ?? DefaultErrors[code], context.Document);
        }

        return Task.CompletedTask;
    }

    private static OpenApiResponse ProblemAnswer(int status, string description, OpenApiDocument? document)
    {
        var response = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(Problem, document) },
            },
        };
        if (status is 429 or 503)
        {
            response.Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["Retry-After"] = new OpenApiHeader
                {
                    Description = "Seconds to wait before trying again.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
                },
            };
        }

        return response;
    }

    /// <summary>RFC 9457 problem details with the contract's <c>code</c>; <c>errors</c> on validation failures.</summary>
    public static OpenApiSchema ProblemSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "RFC 9457 problem details. Never an internal message in `detail`.",
        Required = new HashSet<string> { "status", "title", "detail", "code" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["code"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "The contract's stable error code.",
                Enum = [.. new[]
                {
                    Problems.ValidationFailed, Problems.Unauthenticated, Problems.Forbidden, Problems.PlanRestriction,
                    Problems.NotFound, Problems.MethodNotAllowed, Problems.Conflict, Problems.KeyLimitReached,
                    Problems.KeyRevoked, Problems.PayloadTooLarge, Problems.UnsupportedMediaType,
                    Problems.TooManyRequests, Problems.ServiceUnavailable,
                }.Select(c => (JsonNode)JsonValue.Create(c))],
            },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "On `validation_failed`: member name -> messages.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
        },
        Examples = [JsonNode.Parse("""
            { "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1", "title": "The request is not valid.", "status": 400,
              "detail": "One or more members are not valid.", "code": "validation_failed", "errors": { "roles": ["At least one role."] } }
            """)!],
    };
}
