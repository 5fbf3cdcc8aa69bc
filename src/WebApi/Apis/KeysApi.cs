using System.Globalization;
using KeyGrains.WebApi.Auth;
using KeyGrains.WebApi.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KeyGrains.WebApi.Apis;

/// <summary>An organization's API keys (admin), and <c>/v1/keys/self</c> for any active key.</summary>
public static class KeysApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    public const int MaxSearchLength = 200;

    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder routes)
    {
        var keys = routes.MapGroup("/v1/orgs/{orgId}/keys").WithTags("Keys").WithAdminProblems()
            .RequireAuthorization(KeyGrainsAuthorization.OrgAdmin);

        keys.MapPost("/", Create).WithName("CreateKey").WithSummary("Create a key; the secret is in the answer, this once")
            .Accepts<CreateKeyBody>("application/json").ProducesProblem(StatusCodes.Status409Conflict);
        keys.MapGet("/", List).WithName("ListKeys").WithSummary("List keys, newest first")
            .WithDescription("`status` active|revoked|expired|all (default all); `search` matches name or description, case-insensitive; `limit` 1–1000 (default 100); `cursor` is the `next` of the previous page.");
        keys.MapGet("/{keyId}", Get).WithName("GetKey").WithSummary("Read a key");
        keys.MapPatch("/{keyId}", Update).WithName("UpdateKey").WithSummary("Change a key; null clears description, expiresAt, allowedIps")
            .Accepts<UpdateKeyBody>("application/json").ProducesProblem(StatusCodes.Status409Conflict);
        keys.MapPost("/{keyId}/revoke", Revoke).WithName("RevokeKey").WithSummary("Revoke a key for good; repeating it is a no-op");
        keys.MapPost("/{keyId}/rotate", Rotate).WithName("RotateKey").WithSummary("A new secret for the same key; the old one verifies until the grace period ends")
            .Accepts<RotateKeyBody>("application/json").ProducesProblem(StatusCodes.Status409Conflict);
        keys.MapDelete("/{keyId}", Delete).WithName("DeleteKey").WithSummary("Delete a key");

        routes.MapGet("/v1/keys/self", Self).WithTags("Keys").WithName("GetSelf").WithSummary("The presenting key")
            .RequireAuthorization(KeyGrainsAuthorization.AnyKey)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        return routes;
    }

    public static async Task<Results<Created<NewKeyResponse>, ValidationProblem>> Create(string orgId, HttpRequest request, IGrainFactory grains, TimeProvider time)
    {
        var grain = OrgsApi.Org(grains, orgId);
        var body = await JsonBody.ReadAsync<CreateKeyBody>(request);
        var edge = new Edge();
        edge.Text("name", body.Name, Validation.MaxKeyNameLength);
        edge.Text("description", body.Description, Validation.MaxDescriptionLength);
        edge.Roles(body.Roles);
        edge.ExpiresAt(body.ExpiresAt, time.GetUtcNow());
        edge.AllowedIps(body.AllowedIps);
        if (edge.Failed)
        {
            return edge.Problem();
        }

        var created = await grain.CreateKey(
            new CreateKey(body.Name ?? "", body.Description, body.Roles!, body.ExpiresAt, body.AllowedIps),
            request.HttpContext.Caller());
        return TypedResults.Created($"/v1/orgs/{orgId}/keys/{created.Key.Id}", NewKeyResponse.From(created));
    }

    public static async Task<Results<Ok<KeyPage>, ValidationProblem>> List(string orgId, string? status, string? search, string? limit, string? cursor, IGrainFactory grains)
    {
        var grain = OrgsApi.Org(grains, orgId);
        var edge = new Edge();
        var filter = status switch
        {
            null or "all" => KeyStatusFilter.All,
            "active" => KeyStatusFilter.Active,
            "revoked" => KeyStatusFilter.Revoked,
            "expired" => KeyStatusFilter.Expired,
            _ => (KeyStatusFilter?)null,
        };
        if (filter is null)
        {
            edge.Add("status", "One of active, revoked, expired, all.");
        }

        var count = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxLimit))
        {
            edge.Add("limit", $"Between 1 and {MaxLimit}.");
        }

        edge.Text("search", search, MaxSearchLength);
        if (edge.Failed)
        {
            return edge.Problem();
        }

        var query = new KeyQuery(filter!.Value, string.IsNullOrEmpty(search) ? null : search, count, string.IsNullOrEmpty(cursor) ? null : cursor);
        return TypedResults.Ok(await grain.ListKeys(query));
    }

    public static async Task<Ok<KeyInfo>> Get(string orgId, string keyId, IGrainFactory grains) =>
        TypedResults.Ok(await OrgsApi.Org(grains, orgId).GetKey(ValidKeyId(keyId)));

    public static async Task<Results<Ok<KeyInfo>, ValidationProblem>> Update(string orgId, string keyId, HttpRequest request, IGrainFactory grains, TimeProvider time)
    {
        var grain = OrgsApi.Org(grains, orgId);
        ValidKeyId(keyId);
        var body = await JsonBody.ReadAsync<UpdateKeyBody>(request);
        var edge = new Edge();
        edge.Text("name", body.Name, Validation.MaxKeyNameLength, required: body.HasName);
        edge.Text("description", body.Description, Validation.MaxDescriptionLength);
        if (body.HasRoles)
        {
            edge.Roles(body.Roles);
        }

        edge.ExpiresAt(body.ExpiresAt, time.GetUtcNow());
        edge.AllowedIps(body.AllowedIps);
        if (edge.Failed)
        {
            return edge.Problem();
        }

        return TypedResults.Ok(await grain.UpdateKey(keyId, body.ToUpdate(), request.HttpContext.Caller()));
    }

    public static async Task<Ok<KeyInfo>> Revoke(string orgId, string keyId, HttpRequest request, IGrainFactory grains)
    {
        var grain = OrgsApi.Org(grains, orgId);
        ValidKeyId(keyId);

        // The body is optional and has no members; it is still read, so a malformed one is a 400.
        await JsonBody.ReadOrDefaultAsync<object>(request);
        return TypedResults.Ok(await grain.RevokeKey(keyId, request.HttpContext.Caller()));
    }

    public static async Task<Results<Ok<NewKeyResponse>, ValidationProblem>> Rotate(string orgId, string keyId, HttpRequest request, IGrainFactory grains)
    {
        var grain = OrgsApi.Org(grains, orgId);
        ValidKeyId(keyId);
        var body = await JsonBody.ReadOrDefaultAsync<RotateKeyBody>(request);
        var grace = body?.GracePeriodSeconds ?? 0;
        if (grace is < 0 or > Validation.MaxGracePeriodSeconds)
        {
            return Edge.Invalid("gracePeriodSeconds", $"Between 0 and {Validation.MaxGracePeriodSeconds}.");
        }

        return TypedResults.Ok(NewKeyResponse.From(await grain.RotateKey(keyId, grace, request.HttpContext.Caller())));
    }

    public static async Task<NoContent> Delete(string orgId, string keyId, HttpContext context, IGrainFactory grains)
    {
        await OrgsApi.Org(grains, orgId).DeleteKey(ValidKeyId(keyId), context.Caller());
        return TypedResults.NoContent();
    }

    public static async Task<Ok<KeyInfo>> Self(HttpContext context, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IOrganizationGrain>(context.User.OrgId()!).GetKey(context.User.KeyId()!));

    /// <summary>A key id that cannot exist is 404 without a grain call.</summary>
    private static string ValidKeyId(string keyId) =>
        ApiKeyFormat.IsValidId(keyId) ? keyId : throw DomainException.NotFound("Key");
}
