using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using KeyGrains.WebApi.Http;
using KeyGrains.WebApi.Security;

namespace KeyGrains.WebApi.Auth;

/// <summary>
/// Turns refused calls into the contract's answers, and records each refused admin call in the
/// audit log of the organization named by the path (never with the presented secret).
/// </summary>
public sealed class RefusalHandler(IGrainFactory grains, FailureThrottle throttle, ILogger<RefusalHandler> log) : IAuthorizationMiddlewareResultHandler
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
            context.Response.Headers.WWWAuthenticate = "Bearer";
            throttle.RecordFailure(context);
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

        if (orgId is not null && Validation.IsValidOrgId(orgId))
        {
            await RecordAsync(context, orgId, reason);
        }

        await Problems.WriteAsync(context, status, code, detail);
    }

    private async Task RecordAsync(HttpContext context, string orgId, string reason)
    {
        var ip = context.PeerAddress()?.ToString();
        var caller = context.User.KeyId() is { } keyId ? Caller.Key(keyId, ip)
            : context.User.IsOperator() ? Caller.Operator(ip)
            : new Caller("anonymous", ip);
        try
        {
            await grains.GetGrain<IOrganizationGrain>(orgId).RecordRefusal(caller, context.Request.Method + " " + context.Request.Path, reason);
        }
        catch (Exception e) when (InfrastructureFailure.Is(e))
        {
            // The refusal itself must still be answered; losing its audit entry is the lesser harm.
            log.LogWarning("Could not record a refused call: {ExceptionType}", e.GetType().Name);
        }
    }
}
