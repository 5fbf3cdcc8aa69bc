using KeyGrains.WebApi.Auth;
using KeyGrains.WebApi.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KeyGrains.WebApi.Apis;

/// <summary>An organization's roles: built-in admin, editor and viewer, and its own.</summary>
public static class RolesApi
{
    public static IEndpointRouteBuilder MapRolesApi(this IEndpointRouteBuilder routes)
    {
        var roles = routes.MapGroup("/v1/orgs/{orgId}/roles").WithTags("Roles").WithAdminProblems()
            .RequireAuthorization(KeyGrainsAuthorization.OrgAdmin);

        roles.MapGet("/", List).WithName("ListRoles").WithSummary("List the organization's roles");
        roles.MapPut("/{name}", Upsert).WithName("PutRole").WithSummary("Create or replace a role")
            .Accepts<PutRoleBody>("application/json").ProducesProblem(StatusCodes.Status409Conflict);
        roles.MapDelete("/{name}", Delete).WithName("DeleteRole").WithSummary("Delete a role no active key holds")
            .ProducesProblem(StatusCodes.Status409Conflict);
        return routes;
    }

    public static async Task<Ok<RoleList>> List(string orgId, IGrainFactory grains) =>
        TypedResults.Ok(new RoleList(await OrgsApi.Org(grains, orgId).GetRoles()));

    public static async Task<Results<Ok<RoleInfo>, ValidationProblem>> Upsert(string orgId, string name, HttpRequest request, IGrainFactory grains)
    {
        var grain = OrgsApi.Org(grains, orgId);
        var body = await JsonBody.ReadAsync<PutRoleBody>(request);
        var edge = new Edge();
        if (!Validation.IsValidRoleName(name))
        {
            edge.Add("name", "Matches [a-z0-9][a-z0-9_.-]{0,63}.");
        }

        edge.Text("description", body.Description, Validation.MaxDescriptionLength);
        if (body.Permissions is not { Length: > 0 and <= Validation.MaxPermissionsPerRole } permissions)
        {
            edge.Add("permissions", $"Between 1 and {Validation.MaxPermissionsPerRole} permissions.");
        }
        else if (!Array.TrueForAll(permissions, Permissions.IsValidPattern))
        {
            edge.Add("permissions", "Each permission is '*' or resource:action, each part [a-z0-9_-]{1,64} or '*'.");
        }

        if (edge.Failed)
        {
            return edge.Problem();
        }

        return TypedResults.Ok(await grain.UpsertRole(name, body.Description, body.Permissions!, request.HttpContext.Caller()));
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

    public sealed record PutRoleBody(string? Description, string[]? Permissions);

    public sealed record RoleList(RoleInfo[] Items);
}
