using System.Security.Cryptography;
using System.Text.Json.Serialization;
using KeyGrains.WebApi.Auth;
using KeyGrains.WebApi.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KeyGrains.WebApi.Apis;

/// <summary>Organizations: created and changed by the operator, readable by their admin keys.</summary>
public static class OrgsApi
{
    public static IEndpointRouteBuilder MapOrgsApi(this IEndpointRouteBuilder routes)
    {
        var orgs = routes.MapGroup("/v1/orgs").WithTags("Organizations").WithAdminProblems();

        orgs.MapPost("/", Create).RequireAuthorization(KeyGrainsAuthorization.Operator)
            .WithName("CreateOrg").WithSummary("Create an organization (operator)")
            .Accepts<CreateOrgBody>("application/json").ProducesProblem(StatusCodes.Status409Conflict);
        orgs.MapGet("/{orgId}", Get).RequireAuthorization(KeyGrainsAuthorization.OrgAdmin)
            .WithName("GetOrg").WithSummary("Read an organization (operator or the org's admin keys)");
        orgs.MapPatch("/{orgId}", Update).RequireAuthorization(KeyGrainsAuthorization.Operator)
            .WithName("UpdateOrg").WithSummary("Change an organization (operator)")
            .Accepts<UpdateOrgBody>("application/json");
        return routes;
    }

    public static async Task<Results<Created<OrgInfo>, ValidationProblem>> Create(HttpRequest request, IGrainFactory grains)
    {
        var body = await JsonBody.ReadAsync<CreateOrgBody>(request);
        var edge = new Edge();
        if (body.Id is not null && !Validation.IsValidOrgId(body.Id))
        {
            edge.Add("id", "3 to 63 of [a-z0-9-].");
        }

        edge.Text("name", body.Name, Validation.MaxOrgNameLength, required: true);
        edge.KeyLimit(body.KeyLimit);
        if (edge.Failed)
        {
            return edge.Problem();
        }

        var id = body.Id ?? NewOrgId();
        var org = await grains.GetGrain<IOrganizationGrain>(id)
            .Create(new CreateOrg(body.Name!, body.Plan ?? Plan.Standard, body.KeyLimit), request.HttpContext.Caller());
        return TypedResults.Created($"/v1/orgs/{org.Id}", org);
    }

    public static async Task<Ok<OrgInfo>> Get(string orgId, IGrainFactory grains) =>
        TypedResults.Ok(await Org(grains, orgId).Get() ?? throw DomainException.NotFound("Organization"));

    public static async Task<Results<Ok<OrgInfo>, ValidationProblem>> Update(string orgId, HttpRequest request, IGrainFactory grains)
    {
        var grain = Org(grains, orgId);
        var body = await JsonBody.ReadAsync<UpdateOrgBody>(request);
        var edge = new Edge();
        if (body.HasName)
        {
            edge.Text("name", body.Name, Validation.MaxOrgNameLength, required: true);
        }

        if (body.HasPlan && body.Plan is null)
        {
            edge.Add("plan", "Must not be null.");
        }

        if (body.HasKeyLimit && body.KeyLimit is null)
        {
            edge.Add("keyLimit", "Must not be null.");
        }

        edge.KeyLimit(body.KeyLimit);
        if (edge.Failed)
        {
            return edge.Problem();
        }

        return TypedResults.Ok(await grain.Update(new UpdateOrg(body.Name, body.Plan, body.KeyLimit), request.HttpContext.Caller()));
    }

    /// <summary>The org's grain; an id that cannot exist is 404 without a grain call.</summary>
    public static IOrganizationGrain Org(IGrainFactory grains, string orgId) =>
        Validation.IsValidOrgId(orgId) ? grains.GetGrain<IOrganizationGrain>(orgId) : throw DomainException.NotFound("Organization");

    private static string NewOrgId() => "org-" + RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 12);

    public sealed record CreateOrgBody(string? Id, string? Name, Plan? Plan, int? KeyLimit);

    /// <summary>PATCH body: the setters record which members were present.</summary>
    public sealed class UpdateOrgBody
    {
        public string? Name { get; set { field = value; HasName = true; } }

        public Plan? Plan { get; set { field = value; HasPlan = true; } }

        public int? KeyLimit { get; set { field = value; HasKeyLimit = true; } }

        [JsonIgnore] public bool HasName { get; private set; }

        [JsonIgnore] public bool HasPlan { get; private set; }

        [JsonIgnore] public bool HasKeyLimit { get; private set; }
    }
}
