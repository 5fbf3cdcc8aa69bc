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
/// every well-formed request answers 200 with a code. Kept free of LINQ and of avoidable allocation.
/// </summary>
public static class VerifyApi
{
    public const int MaxPermissions = 20;

    public static IEndpointRouteBuilder MapVerifyApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/keys/verify", Verify)
            .WithTags("Verification")
            .WithName("VerifyKey")
            .WithSummary("Verify a presented API key")
            .WithDescription("200 for every well-formed request, with the first failing check's `code`: `NOT_FOUND`, `REVOKED`, `EXPIRED`, `IP_NOT_ALLOWED`, `INSUFFICIENT_PERMISSIONS`, else `VALID`. `keyId`, `orgId` and the rest only when the secret itself matched. No credential is needed: holding the key is the proof.")
            // Any media type reaches the handler, which answers a non-JSON one with 400 as the
            // contract says (routing would otherwise answer 415 before it).
            .Accepts<VerifyBody>("application/json", "*/*")
            .Refuses(StatusCodes.Status400BadRequest, "`validation_failed`: the body is not JSON, has no `key`, an `ip` that is not an IPv4 or IPv6 address, or a permission that is not a concrete `resource:action` (at most 20).")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .AllowAnonymous();
        return routes;
    }

    public static async Task<Results<Ok<VerifyResponse>, ValidationProblem, Throttled>> Verify(HttpRequest request, KeyVerifier verifier, FailureThrottle throttle)
    {
        var started = Observability.VerificationMetrics.Start(); // observability: the duration's start
        var body = await JsonBody.ReadAsync<VerifyBody>(request, wrongMediaTypeIs400: true);
        if (string.IsNullOrEmpty(body.Key))
        {
            return FieldErrors.Invalid("key", "The key is required.");
        }

        IPAddress? ip = null;
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

        var result = await verifier.VerifyAsync(body.Key, ip, body.Permissions);
        Observability.VerificationMetrics.Answered(result.Code, started); // observability: count by code, and the duration
        if (!result.IsValid)
        {
            // The source is the end client the caller reports, never the caller: a gateway relays
            // for many clients, and one client's failures must not cost the others anything.
            if (throttle.IsExhausted(ip, out var retryAfter))
            {
                return new Throttled(retryAfter);
            }

            throttle.RecordFailure(ip);
        }

        return TypedResults.Ok(new VerifyResponse(result));
    }

    /// <summary>The code as the contract spells it, for this answer and for forward authentication's header.</summary>
    public static string CodeText(VerifyCode code) => code switch
    {
        VerifyCode.Valid => "VALID",
        VerifyCode.Revoked => "REVOKED",
        VerifyCode.Expired => "EXPIRED",
        VerifyCode.IpNotAllowed => "IP_NOT_ALLOWED",
        VerifyCode.InsufficientPermissions => "INSUFFICIENT_PERMISSIONS",
        _ => "NOT_FOUND",
    };

    public sealed record VerifyBody([property: Required] string? Key, string? Ip, string[]? Permissions)
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
