using System.Globalization;
using KeyGrains.WebApi.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KeyGrains.WebApi.Apis;

/// <summary>An organization's audit log, newest first.</summary>
public static class AuditApi
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/v1/orgs/{orgId}/audit").WithTags("Audit").WithAdminProblems()
            .RequireAuthorization(KeyGrainsAuthorization.OrgAdmin)
            .MapGet("/", Get).WithName("GetAudit").WithSummary("Read the audit log, newest first")
            .WithDescription("`limit` 1–200 (default 50); `before` is the `next` of the previous page. Secrets never appear in it; refused admin calls appear aggregated as `auth.refused`.");
        return routes;
    }

    public static async Task<Results<Ok<AuditList>, ValidationProblem>> Get(string orgId, string? limit, string? before, IGrainFactory grains)
    {
        var grain = OrgsApi.Org(grains, orgId);
        var errors = new FieldErrors();
        var count = errors.PageSize(limit, DefaultLimit, MaxLimit);

        long? cursor = null;
        if (before is not null)
        {
            if (long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                cursor = parsed;
            }
            else
            {
                errors.Add("before", "Not a cursor this server issued.");
            }
        }

        if (errors.Failed)
        {
            return errors.Problem();
        }

        var page = await grain.GetAudit(count, cursor);
        return TypedResults.Ok(new AuditList(page.Items, page.Next?.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary><c>next</c> is a string, like the key list's cursor: opaque to clients.</summary>
    public sealed record AuditList(AuditEvent[] Items, string? Next);
}
