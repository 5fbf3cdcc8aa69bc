using System.ComponentModel.DataAnnotations;
using KeyGrains.WebApi.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace KeyGrains.WebApi.Apis;

/// <summary>An organization's roles: built-in admin, editor and viewer, and its own.</summary>
public static class RolesApi
{
    public static IEndpointRouteBuilder MapRolesApi(this IEndpointRouteBuilder routes)
    {
        var roles = routes.MapGroup("/v1/orgs/{orgId}/roles").WithTags("Roles").WithAdminProblems()
            .RequireAuthorization(KeyGrainsAuthorization.OrgAdmin);

        roles.MapGet("/", List).WithName("ListRoles").WithSummary("List the organization's roles")
            .WithDescription("The built-in `admin` (`*`), `editor` (`*:read`, `*:write`) and `viewer` (`*:read`), and the organization's own.");
        roles.MapPut("/{name}", Upsert).WithName("PutRole").WithSummary("Create or replace a role")
            .WithDescription("`name` is `[a-z0-9][a-z0-9_.-]{0,63}`; 1–100 permissions, each `*` or `resource:action` where either part may be `*`. Keys holding the role see the change at their next verification.")
            .Refuses(StatusCodes.Status409Conflict, "`conflict`: built-in roles cannot be changed.");
        roles.MapDelete("/{name}", Delete).WithName("DeleteRole").WithSummary("Delete a role no active key holds")
            .WithDescription("Revoked and expired keys may still name it.")
            .Refuses(StatusCodes.Status409Conflict, "`conflict`: a built-in role, or one an active key holds.");
        return routes;
    }

    public static async Task<Ok<RoleList>> List(string orgId, IGrainFactory grains) =>
        TypedResults.Ok(new RoleList(await OrgsApi.Org(grains, orgId).GetRoles()));

    public static async Task<Results<Ok<RoleInfo>, ValidationProblem>> Upsert(string orgId, string name, [FromBody] PutRoleBody body, HttpContext context, IGrainFactory grains)
    {
        var grain = OrgsApi.Org(grains, orgId);
        var errors = new FieldErrors();
        errors.Check("name", Rules.RoleNameProblem(name));
        errors.Check("description", Rules.DescriptionProblem(body.Description));
        errors.Check("permissions", Rules.RolePermissionsProblem(body.Permissions));
        if (errors.Failed)
        {
            return errors.Problem();
        }

        return TypedResults.Ok(await grain.UpsertRole(name, body.Description, body.Permissions!, context.Caller()));
    }

    public static async Task<NoContent> Delete(string orgId, string name, HttpContext context, IGrainFactory grains)
    {
        var grain = OrgsApi.Org(grains, orgId);
        if (!Validation.IsValidRoleName(name))
        {
            throw DomainException.NotFound("Role");
        }

        await grain.DeleteRole(name, context.Caller());
        return TypedResults.NoContent();
    }

    public sealed record PutRoleBody(string? Description, [property: Required] string[]? Permissions);

    public sealed record RoleList(RoleInfo[] Items);
}
