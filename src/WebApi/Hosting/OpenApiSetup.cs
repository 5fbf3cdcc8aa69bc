using KeyGrains.WebApi.Auth;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace KeyGrains.WebApi.Hosting;

/// <summary>
/// <c>/openapi/v1.json</c> in every environment, and the interactive page at <c>/scalar</c>, whose
/// script is embedded in the Scalar.AspNetCore assembly (no CDN: the hosts may have no internet).
/// </summary>
public static class OpenApiSetup
{
    private const string Notes = """
        KeyGrains issues and verifies API keys. Where the REST contract is silent, this server:
        - answers a missing key `name` as "" (an empty name);
        - takes `null` for a non-clearable PATCH member (org name, plan, keyLimit; key name, roles) as 400, not as "unchanged";
        - gives the audit log's `next` cursor as a string, like the key list's;
        - accepts `+json` media types as JSON, and refuses a body of any other type with 415 (verification: 400, as the contract says);
        - reads times only with an explicit offset or `Z`, and writes them in UTC ending in `Z`;
        - answers an organization or key id that cannot exist (wrong shape) with 404, without a lookup;
        - answers 503 `service_unavailable` with `Retry-After: 2` when the cluster or its storage fails; verification is retried for up to `Verification:RetryBudget` (10 s) first, since it is read-only;
        - throttles failures, not successes: past `Security:Throttling:FailureLimit` failed verifications or 401s per window, an address gets 429 on every `/v1` call, a valid key included (answering it would tell a guesser which guess was right);
        - refuses an `Authorization` header that is not a single Bearer credential with 401;
        - with `Orleans:Mode=Client`, tries `Orleans:ConnectAttempts` (5) times a second apart to reach the cluster, then exits with code 1 and a sentence on stderr.
        """;

    public static IServiceCollection AddKeyGrainsOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "KeyGrains REST API";
                document.Info.Version = "v1";
                document.Info.Description = Notes;
                document.Info.Contact = new OpenApiContact { Name = "KeyGrains operators", Email = "operators@keygrains.invalid" };
                document.Info.License = new OpenApiLicense { Name = "Proprietary", Url = new Uri("https://keygrains.invalid/license") };
                foreach (var server in document.Servers ?? [])
                {
                    // The address this deployment was reached at; paths start with '/', so no trailing one.
                    server.Url = server.Url?.TrimEnd('/');
                    server.Description ??= "This deployment";
                }

                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
                {
                    [OpenApiOperations.OperatorToken] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.Http,
                        Scheme = "bearer",
                        Description = "The operator token (`Authority:OperatorToken`), as `Authorization: Bearer <token>`.",
                    },
                    [OpenApiOperations.ApiKey] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.ApiKey,
                        In = ParameterLocation.Header,
                        Name = KeyGrainsAuthenticationHandler.ApiKeyHeader,
                        Description = "An organization's API key.",
                    },
                    [OpenApiOperations.ApiKeyBearer] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.Http,
                        Scheme = "bearer",
                        Description = "An organization's API key, as `Authorization: Bearer <key>`.",
                    },
                };

                // One problem schema with the contract's codes replaces the framework's two.
                document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
                document.Components.Schemas.Remove("ProblemDetails");
                document.Components.Schemas.Remove("HttpValidationProblemDetails");
                document.Components.Schemas[OpenApiOperations.Problem] = OpenApiOperations.ProblemSchema();
                return Task.CompletedTask;
            });
            o.AddSchemaTransformer<OpenApiSchemaTruth>();
            o.AddSchemaTransformer((schema, context, _) =>
            {
                if (context.JsonPropertyInfo is null && OpenApiExamples.For(context.JsonTypeInfo.Type) is { } example)
                {
                    schema.Examples = [example];
                }

                return Task.CompletedTask;
            });
            o.AddOperationTransformer<OpenApiOperations>();
        });

    public static IEndpointRouteBuilder MapKeyGrainsOpenApi(this IEndpointRouteBuilder routes)
    {
        routes.MapOpenApi();
        routes.MapScalarApiReference(o => o
            .WithTitle("KeyGrains")
            .DisableDefaultFonts()
            .AddPreferredSecuritySchemes(OpenApiOperations.ApiKey, OpenApiOperations.OperatorToken));
        return routes;
    }
}
