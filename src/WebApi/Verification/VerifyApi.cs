using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Text.Json.Serialization;
using KeyGrains.WebApi.Apis;
using KeyGrains.WebApi.Http;
using KeyGrains.WebApi.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KeyGrains.WebApi.Verification;

/// <summary>
/// <c>POST /v1/keys/verify</c>: the hot path. Holding the key is the proof, so no other credential;
/// every well-formed request answers 200 with a code. Kept free of LINQ and of avoidable allocation,
/// and of the middleware the admin API needs (see <see cref="VerificationPath"/>).
/// </summary>
public static partial class VerifyApi
{
    public const int MaxPermissions = 20;

    public const string Path = "/v1/keys/verify";

    /// <summary>
    /// The operation in the OpenAPI document. Requests never reach this endpoint: <see cref="VerificationPath"/>
    /// answers them first, with the same handler; other methods fall through to routing's 405.
    /// </summary>
    public static IEndpointRouteBuilder MapVerifyApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(Path, (Func<HttpContext, Task>)Verify)
            .WithTags("Verification")
            .WithName("VerifyKey")
            .WithSummary("Verify a presented API key")
            .WithDescription("200 for every well-formed request, with the first failing check's `code`: `NOT_FOUND`, `REVOKED`, `EXPIRED`, `IP_NOT_ALLOWED`, `INSUFFICIENT_PERMISSIONS`, else `VALID`. `keyId`, `orgId` and the rest only when the secret itself matched. No credential is needed: holding the key is the proof.")
            // Any media type reaches the handler, which answers a non-JSON one with 400 as the
            // contract says (routing would otherwise answer 415 before it).
            .Accepts<VerifyBody>("application/json", "*/*")
            .Produces<VerifyResponse>(StatusCodes.Status200OK)
            .Refuses(StatusCodes.Status400BadRequest, "`validation_failed`: the body is not JSON, has no `key`, an `ip` that is not an IPv4 or IPv6 address, or a permission that is not a concrete `resource:action` (at most 20).")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .AllowAnonymous();
        return routes;
    }

    /// <summary>
    /// The whole answer, from the request's buffers to bytes written: the body is read in place, and
    /// a VALID answer is the JSON its key's model wrote when the key was loaded.
    /// </summary>
    public static async Task Verify(HttpContext context)
    {
        var started = Observability.VerificationMetrics.Start(); // observability: the duration's start
        await Security.SecurityHeaders.Apply(context);
        try
        {
            var body = await JsonBody.ReadAsync(context.Request, wrongMediaTypeIs400: true, VerifyBody.Read);
            if (Invalid(body, out var ip) is { } invalid)
            {
                await invalid.ExecuteAsync(context);
                return;
            }

            var services = context.RequestServices;
            var result = await services.GetRequiredService<KeyVerifier>().VerifyAsync(body.Key!, ip, body.Permissions);
            Observability.VerificationMetrics.Answered(Observability.VerificationEndpoint.Verify, result.Code, started); // observability: count by code, and the duration
            if (!result.IsValid)
            {
                // The source is the end client the caller reports, never the caller: a gateway relays
                // for many clients, and one client's failures must not cost the others anything.
                var throttle = services.GetRequiredService<FailureThrottle>();
                if (throttle.IsExhausted(ip, out var retryAfter))
                {
                    await SecurityComposition.WriteThrottledAsync(context, retryAfter);
                    return;
                }

                throttle.RecordFailure(ip);
            }

            var json = result.Utf8Json();
            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = json.Length;
            await response.BodyWriter.WriteAsync(json, context.RequestAborted);
        }
        catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            await Problems.AnswerExceptionAsync(context, e);
        }
    }

    /// <summary>The code as the contract spells it, for this answer and for forward authentication's header.</summary>
    public static string CodeText(VerifyCode code) => VerifyResult.CodeText(code);

    /// <summary>The first rule the body breaks, as its 400; null when it keeps them all.</summary>
    private static ValidationProblem? Invalid(VerifyBody body, out IPAddress? ip)
    {
        ip = null;
        if (string.IsNullOrEmpty(body.Key))
        {
            return FieldErrors.Invalid("key", "The key is required.");
        }

        if (body.Ip is not null && !Validation.TryParseAddress(body.Ip, out ip))
        {
            return FieldErrors.Invalid("ip", $"Must be an IPv4 or IPv6 address. {Rules.IpAddressShape}");
        }

        if (body.Permissions is { } permissions)
        {
            if (permissions.Length > MaxPermissions)
            {
                return FieldErrors.Invalid("permissions", "At most 20 permissions.");
            }

            for (var i = 0; i < permissions.Length; i++)
            {
                if (!Permissions.IsValidConcrete(permissions[i]))
                {
                    return FieldErrors.Invalid("permissions", "Each permission is a concrete resource:action.");
                }
            }
        }

        return null;
    }

    public sealed partial record VerifyBody([property: Required] string? Key, string? Ip, string[]? Permissions)
    {
        // A record prints every member: this one must never put the presented key in a log line.
        private bool PrintMembers(System.Text.StringBuilder builder)
        {
            builder.Append("Key = ").Append(Redacted.Text).Append(", Ip = ").Append(Ip);
            return true;
        }
    }

    /// <summary>The answer; members other than <c>valid</c> and <c>code</c> are omitted when absent.</summary>
    public sealed class VerifyResponse(VerifyResult result)
    {
        public bool Valid => result.IsValid;

        public string Code => CodeText(result.Code);

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? KeyId => result.KeyId;

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? OrgId => result.OrgId;

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Name => result.Name;

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string[]? Roles => result.Roles;

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string[]? Permissions => result.Permissions;

        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public DateTimeOffset? ExpiresAt => result.ExpiresAt;
    }
}
