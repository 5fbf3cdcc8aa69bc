using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using KeyGrains.WebApi.Http;
using KeyGrains.WebApi.Security;

namespace KeyGrains.WebApi.Auth;

/// <summary>
/// Turns refused calls into the contract's answers. A refusal counts against its source's failure
/// budget; past it, the source gets 429 instead. Each refusal is counted in the <see cref="RefusalLog"/>
/// (never with the presented secret), which reaches the audit log of the organization named by the
/// path in the background: no grain call here, so a refusal costs the same whether or not it exists.
/// </summary>
public sealed class RefusalHandler(FailureThrottle throttle, RefusalLog refusals) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
    {
        if (result.Succeeded)
        {
            await _default.HandleAsync(next, context, policy, result);
            return;
        }

        var orgId = context.GetRouteValue("orgId") as string;
        var user = context.User;
        int status;
        string code, detail, reason;
        if (result.Challenged)
        {
            (status, code, reason) = (401, Problems.Unauthenticated, "unauthenticated");
            detail = "A valid operator token or API key is required.";
        }
        else if (user.IsKey() && orgId is not null && !string.Equals(user.OrgId(), orgId, StringComparison.Ordinal))
        {
            // 404, not 403: a 403 would confirm that the other organization exists.
            (status, code, reason) = (404, Problems.NotFound, "other_organization");
            detail = "Organization was not found.";
        }
        else
        {
            (status, code, reason) = (403, Problems.Forbidden, "forbidden");
            detail = "The credential does not allow this operation.";
        }

        var source = context.PeerAddress();
        if (orgId is not null && Validation.IsValidOrgId(orgId))
        {
            var actor = user.KeyId() is { } keyId ? "key:" + keyId : user.IsOperator() ? "operator" : "anonymous";
            refusals.Add(orgId, actor, source?.ToString(), context.Request.Method + " " + context.Request.Path, reason);
        }

        if (throttle.IsExhausted(source, out var retryAfter))
        {
            await SecurityComposition.WriteThrottledAsync(context, retryAfter);
            return;
        }

        throttle.RecordFailure(source);
        if (status == 401)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }

        await Problems.WriteAsync(context, status, code, detail);
    }
}
