using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.Json.Serialization;
using KeyGrains.WebApi.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace KeyGrains.WebApi.Apis;

/// <summary>Organizations: created and changed by the operator, readable by their admin keys.</summary>
public static class OrgsApi
{
    public static IEndpointRouteBuilder MapOrgsApi(this IEndpointRouteBuilder routes)
    {
        var orgs = routes.MapGroup("/v1/orgs").WithTags("Organizations").WithAdminProblems();

        orgs.MapPost("/", Create).RequireAuthorization(KeyGrainsAuthorization.Operator)
            .WithName("CreateOrg").WithSummary("Create an organization (operator)")
            .WithDescription("`id` is generated when absent; `plan` defaults to `standard`, `keyLimit` to the server's default (10). `keyLimit` caps active keys.")
            .Refuses(StatusCodes.Status409Conflict, "`conflict`: an organization with this `id` exists.");
        orgs.MapGet("/{orgId}", Get).RequireAuthorization(KeyGrainsAuthorization.OrgAdmin)
            .WithName("GetOrg").WithSummary("Read an organization (operator or the org's admin keys)")
            .WithDescription("`activeKeyCount` counts the keys that are neither revoked nor expired.");
        orgs.MapPatch("/{orgId}", Update).RequireAuthorization(KeyGrainsAuthorization.Operator)
            .WithName("UpdateOrg").WithSummary("Change an organization (operator)")
            .WithDescription("Absent members stay as they are; `null` for any of them is `400`. A `keyLimit` below the active count is allowed and blocks new keys.");
        return routes;
    }

    public static async Task<Results<Created<OrgInfo>, ValidationProblem>> Create([FromBody] CreateOrgBody body, HttpContext context, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        if (body.Id is not null)
        {
            errors.Check("id", Rules.OrgIdProblem(body.Id));
        }

        errors.Check("name", Rules.OrgNameProblem(body.Name));
        CheckKeyLimit(errors, body.KeyLimit);
        if (errors.Failed)
        {
            return errors.Problem();
        }

        var id = body.Id ?? NewOrgId();
        var org = await grains.GetGrain<IOrganizationGrain>(id)
            .Create(new CreateOrg(body.Name!, body.Plan ?? Plan.Standard, body.KeyLimit), context.Caller());
        return TypedResults.Created($"/v1/orgs/{org.Id}", org);
    }

    public static async Task<Ok<OrgInfo>> Get(string orgId, IGrainFactory grains) =>
        TypedResults.Ok(await Org(grains, orgId).Get() ?? throw DomainException.NotFound("Organization"));

    public static async Task<Results<Ok<OrgInfo>, ValidationProblem>> Update(string orgId, [FromBody] UpdateOrgBody body, HttpContext context, IGrainFactory grains)
    {
        var grain = Org(grains, orgId);
        var errors = new FieldErrors();
        if (body.HasName)
        {
            errors.Check("name", Rules.OrgNameProblem(body.Name));
        }

        errors.NotNull("plan", body.HasPlan, body.Plan);
        errors.NotNull("keyLimit", body.HasKeyLimit, body.KeyLimit);
        CheckKeyLimit(errors, body.KeyLimit);
        if (errors.Failed)
        {
            return errors.Problem();
        }

        return TypedResults.Ok(await grain.Update(new UpdateOrg(body.Name, body.Plan, body.KeyLimit), context.Caller()));
    }

    /// <summary>The org's grain; an id that cannot exist is 404 without a grain call.</summary>
    public static IOrganizationGrain Org(IGrainFactory grains, string orgId) =>
        Validation.IsValidOrgId(orgId) ? grains.GetGrain<IOrganizationGrain>(orgId) : throw DomainException.NotFound("Organization");

    private static void CheckKeyLimit(FieldErrors errors, int? limit)
    {
        if (limit is { } value)
        {
            errors.Check("keyLimit", Rules.KeyLimitProblem(value));
        }
    }

    private static string NewOrgId() => "org-" + RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 12);

    public sealed record CreateOrgBody(string? Id, [property: Required] string? Name, Plan? Plan, int? KeyLimit);

    /// <summary>PATCH body: the setters record which members were present.</summary>
    public sealed class UpdateOrgBody
    {
        [DisallowNull] public string? Name { get; set { field = value; HasName = true; } }

        [DisallowNull] public Plan? Plan { get; set { field = value; HasPlan = true; } }

        [DisallowNull] public int? KeyLimit { get; set { field = value; HasKeyLimit = true; } }

        [JsonIgnore] public bool HasName { get; private set; }

        [JsonIgnore] public bool HasPlan { get; private set; }

        [JsonIgnore] public bool HasKeyLimit { get; private set; }
    }
}
