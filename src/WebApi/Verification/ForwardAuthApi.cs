using System.Net;
using KeyGrains.WebApi.Apis;
using KeyGrains.WebApi.Http;
using KeyGrains.WebApi.Security;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.OpenApi;

namespace KeyGrains.WebApi.Verification;

/// <summary>
/// <c>/v1/auth</c>: verification for gateways (nginx <c>auth_request</c>, Caddy <c>forward_auth</c>,
/// Traefik <c>ForwardAuth</c>, Envoy <c>ext_authz</c>). Only headers and the query are read; the answer
/// is a status and <c>X-KeyGrains-*</c> headers the gateway copies to its upstream. The same rules
/// and order as <c>POST /v1/keys/verify</c>, through the same <see cref="KeyVerifier"/>.
/// </summary>
public static class ForwardAuthApi
{
    public const string Path = "/v1/auth";
    public const string KeyIdHeader = "X-KeyGrains-Key-Id";
    public const string OrgIdHeader = "X-KeyGrains-Org-Id";
    public const string RolesHeader = "X-KeyGrains-Roles";
    public const string CodeHeader = "X-KeyGrains-Code";

    private static readonly string[] OtherMethods = ["POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    public static IEndpointRouteBuilder MapForwardAuthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, (Func<HttpContext, Task>)Authenticate)
            .WithTags("Verification")
            .WithName("ForwardAuth")
            .WithSummary("Forward authentication for gateways")
            .WithDescription("For nginx `auth_request`, Caddy `forward_auth`, Traefik `ForwardAuth` and Envoy `ext_authz`; any method is accepted and only headers are read. The key comes from `X-API-Key` or `Authorization: Bearer`; the client address from `X-Forwarded-For` or `X-Real-IP` when the peer is a trusted proxy (`Security:TrustedProxies`), else the peer. Each `permission` in the query is required. 200 with an empty body and the key's `X-KeyGrains-*` headers; 401 (no key, `NOT_FOUND`, `REVOKED`, `EXPIRED`, or a source past its failure budget) or 403 (`IP_NOT_ALLOWED`, `INSUFFICIENT_PERMISSIONS`) with `X-KeyGrains-Code`.")
            .Produces(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status400BadRequest, "`validation_failed`: a `permission` that is not a concrete `resource:action` (at most 20), or a forwarded client address that is not an IPv4 or IPv6 address.")
            .Refuses(StatusCodes.Status401Unauthorized, "`unauthenticated`: no key, or `X-KeyGrains-Code` is `NOT_FOUND`, `REVOKED` or `EXPIRED`; also any refusal of a source past its failure budget (gateways turn a 429 into an error page).")
            .Refuses(StatusCodes.Status403Forbidden, "`forbidden`: `X-KeyGrains-Code` is `IP_NOT_ALLOWED` or `INSUFFICIENT_PERMISSIONS`.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                Describe(operation);
                return Task.CompletedTask;
            })
            .AllowAnonymous();

        // The same answer for every other method, left out of the document: one operation says it.
        routes.MapMethods(Path, OtherMethods, (RequestDelegate)Authenticate).ExcludeFromDescription().AllowAnonymous();
        return routes;
    }

    // Refusals are as common as successes here (a gateway asks for every request), so their bodies are written once.
    private static readonly byte[] Unauthorized = Problems.Prepared(StatusCodes.Status401Unauthorized, Problems.Unauthenticated, "A valid API key is required.");
    private static readonly byte[] Forbidden = Problems.Prepared(StatusCodes.Status403Forbidden, Problems.Forbidden, "The key may not be used here.");

    /// <summary>Answered by <see cref="VerificationPath"/> before any middleware; the endpoints above describe it.</summary>
    public static async Task Authenticate(HttpContext context)
    {
        await SecurityHeaders.Apply(context);
        try
        {
            await AuthenticateAsync(context);
        }
        catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            await Problems.AnswerExceptionAsync(context, e);
        }
    }

    private static async Task AuthenticateAsync(HttpContext context)
    {
        var started = Observability.VerificationMetrics.Start(); // observability: the duration's start
        var request = context.Request;
        var permissions = AskedPermissions(request.QueryString);
        if (permissions.Count > VerifyApi.MaxPermissions)
        {
            await FieldErrors.Invalid("permission", "At most 20 permissions.").ExecuteAsync(context);
            return;
        }

        for (var i = 0; i < permissions.Count; i++)
        {
            if (!Permissions.IsValidConcrete(permissions[i]))
            {
                await FieldErrors.Invalid("permission", "Each permission is a concrete resource:action.").ExecuteAsync(context);
                return;
            }
        }

        if (!TryClientAddress(context, out var client))
        {
            await FieldErrors.Invalid("X-Real-IP", $"Must be an IPv4 or IPv6 address. {Rules.IpAddressShape}").ExecuteAsync(context);
            return;
        }

        var key = PresentedKey(request.Headers, out var conflicting);
        var result = key is null || conflicting
            ? VerifyResult.NotFound
            : await context.RequestServices.GetRequiredService<KeyVerifier>().VerifyAsync(key, client, permissions.Count == 0 ? null : (string[])permissions!);
        Observability.VerificationMetrics.Answered(Observability.VerificationEndpoint.Auth, result.Code, started); // observability: count by code, and the duration

        var headers = context.Response.Headers;
        headers[CodeHeader] = VerifyApi.CodeText(result.Code);
        if (result.IsValid)
        {
            headers[KeyIdHeader] = result.KeyId;
            headers[OrgIdHeader] = result.OrgId;
            headers[RolesHeader] = result.RolesText();
            context.Response.StatusCode = StatusCodes.Status200OK;
            return;
        }

        var throttle = context.RequestServices.GetRequiredService<FailureThrottle>();
        var exhausted = throttle.IsExhausted(client, out var retryAfter);
        if (!exhausted)
        {
            throttle.RecordFailure(client);
        }

        // A refusal names no organization: only the code, which the presenter could learn anyway.
        if (!exhausted && result.Code is VerifyCode.IpNotAllowed or VerifyCode.InsufficientPermissions)
        {
            await WriteAsync(context, StatusCodes.Status403Forbidden, Forbidden);
            return;
        }

        // Past its budget a source still gets 401, not 429: gateways turn a 429 into an error page.
        if (exhausted)
        {
            headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        headers.WWWAuthenticate = "Bearer";
        await WriteAsync(context, StatusCodes.Status401Unauthorized, Unauthorized);
    }

    private static Task WriteAsync(HttpContext context, int status, byte[] problem)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/problem+json";
        response.ContentLength = problem.Length;
        return response.Body.WriteAsync(problem, 0, problem.Length, context.RequestAborted);
    }

    /// <summary>
    /// <c>X-API-Key</c> or a bearer token; both present and different is no key at all, as on the
    /// admin API, so a gateway never picks one of two credentials for a caller.
    /// </summary>
    private static string? PresentedKey(IHeaderDictionary headers, out bool conflicting)
    {
        StringValues apiKey = headers["X-API-Key"];
        string? fromHeader = apiKey.Count == 1 && apiKey[0] is { Length: > 0 } k ? k : null;
        conflicting = apiKey.Count > 1;

        string? bearer = null;
        var authorization = headers.Authorization;
        if (authorization.Count == 1 && authorization[0] is { } value && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            bearer = value[7..].Trim();
        }

        if (fromHeader is not null && bearer is not null && !string.Equals(fromHeader, bearer, StringComparison.Ordinal))
        {
            conflicting = true;
        }

        return fromHeader ?? (bearer is { Length: > 0 } ? bearer : null);
    }

    /// <summary>
    /// The end client. <c>X-Forwarded-For</c> has been read already, by the forwarded-headers step
    /// that serves the admin API too: from a trusted peer it walks the list from the right through
    /// trusted hops, so it gives the first entry whenever every hop after it is a trusted proxy, and
    /// never an entry a client wrote in front of a gateway that appends. <c>X-Real-IP</c> is read
    /// here, and only when there was no <c>X-Forwarded-For</c> and the peer is a trusted proxy. False: a malformed <c>X-Real-IP</c>.
    /// </summary>
    private static bool TryClientAddress(HttpContext context, out IPAddress? client)
    {
        client = context.Connection.RemoteIpAddress is { } peer ? KeyGrains.Validation.Normalize(peer) : null;
        var realIp = context.Request.Headers["X-Real-IP"];

        // X-Original-For is the forwarded-headers step's mark that it took the client from
        // X-Forwarded-For: then X-Real-IP, which a gateway may pass on as a client wrote it, is not read.
        if (client is null || realIp.Count == 0 || context.Request.Headers.ContainsKey("X-Original-For") || !IsTrustedProxy(context, client))
        {
            return true;
        }

        if (realIp.Count > 1 || !KeyGrains.Validation.TryParseAddress(realIp[0], out var forwarded))
        {
            return false;
        }

        client = forwarded;
        return true;
    }

    /// <summary>
    /// The query's <c>permission</c> values (any case, decoded), at most one more than the limit:
    /// read in place rather than through <c>Request.Query</c>, which builds a dictionary of the whole
    /// query on every call.
    /// </summary>
    private static StringValues AskedPermissions(QueryString query)
    {
        string? first = null;
        List<string>? many = null;
        foreach (var pair in new QueryStringEnumerable(query.Value))
        {
            if (!pair.DecodeName().Span.Equals("permission", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var value = pair.DecodeValue().ToString();
            if (first is null)
            {
                first = value;
                continue;
            }

            many ??= [first];
            many.Add(value);
            if (many.Count > VerifyApi.MaxPermissions)
            {
                break;
            }
        }

        return many is not null ? new StringValues([.. many]) : first is not null ? new StringValues(first) : StringValues.Empty;
    }

    private static bool IsTrustedProxy(HttpContext context, IPAddress address)
    {
        var networks = context.RequestServices.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value.KnownIPNetworks;
        for (var i = 0; i < networks.Count; i++)
        {
            if (networks[i].Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The headers of each answer, which the endpoint metadata cannot say.</summary>
    private static void Describe(OpenApiOperation operation)
    {
        if (operation.Responses is null)
        {
            return;
        }

        static OpenApiHeader Text(string description) => new() { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };

        var code = Text("The verification code: `VALID`, `NOT_FOUND`, `REVOKED`, `EXPIRED`, `IP_NOT_ALLOWED` or `INSUFFICIENT_PERMISSIONS`.");
        foreach (var (status, response) in operation.Responses)
        {
            if (response is not OpenApiResponse answer || status is not ("200" or "401" or "403"))
            {
                continue;
            }

            answer.Headers ??= new Dictionary<string, IOpenApiHeader>();
            answer.Headers[CodeHeader] = code;
            if (status == "200")
            {
                answer.Description = "Allowed. No body; the gateway passes these headers to its upstream.";
                answer.Headers[KeyIdHeader] = Text("The key's id.");
                answer.Headers[OrgIdHeader] = Text("The key's organization.");
                answer.Headers[RolesHeader] = Text("The key's roles, comma-separated.");
            }
            else if (status == "401")
            {
                answer.Headers["WWW-Authenticate"] = Text("`Bearer`.");
                answer.Headers["Retry-After"] = new OpenApiHeader
                {
                    Description = "Only when the source is past its failure budget: seconds until it has a new one.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
                };
            }
        }
    }
}
