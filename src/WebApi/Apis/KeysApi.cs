using KeyGrains.WebApi.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace KeyGrains.WebApi.Apis;

/// <summary>An organization's API keys (admin), and <c>/v1/keys/self</c> for any active key.</summary>
public static class KeysApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
    public const int MaxSearchLength = 200;

    private const string IdempotencyNote =
        "An optional `Idempotency-Key` header (32–255 visible ASCII characters) makes the call safe to repeat: for 24 hours the same key, "
        + "organization and request get the first answer again, secret included; another request under the same key is `409 conflict`. "
        + "Requests are compared as the server reads them (member order and spacing do not matter). Refusals are not stored: "
        + "repeating a refused request is decided afresh.";

    private const string RotationNote =
        "Normally the current secret becomes the previous one with the new grace period and an older previous secret ends at once. "
        + "When the current secret has never been presented and a previous secret is still in its grace, the previous one is kept "
        + "(with the longer of its remaining grace and the new one) and the never-presented current secret ends at once; "
        + "`previousSecretExpiresAt` is then the kept secret's end. When the server cannot tell whether the current secret was presented, "
        + "it counts as presented.";

    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder routes)
    {
        var keys = routes.MapGroup("/v1/orgs/{orgId}/keys").WithTags("Keys").WithAdminProblems()
            .RequireAuthorization(KeyGrainsAuthorization.OrgAdmin);

        keys.MapPost("/", Create).WithName("CreateKey").WithSummary("Create a key; the secret is in the answer, this once")
            .WithDescription("`key` in the answer is the whole secret; only its hash is kept. `allowedIps` empty or absent means any address. " + IdempotencyNote)
            .Refuses(StatusCodes.Status403Forbidden, "`forbidden`: not the operator nor an admin key of this organization; `plan_restriction`: the `free` plan cannot create keys.")
            .Refuses(StatusCodes.Status409Conflict, "`key_limit_reached`: the organization already has `keyLimit` active keys, or its key records are at their bound and none can be purged; `conflict`: the `Idempotency-Key` was used for another request.");
        keys.MapGet("/", List).WithName("ListKeys").WithSummary("List keys, newest first")
            .WithDescription("`status` active|revoked|expired|all (default all); `search` matches name or description, case-insensitive; `limit` 1–1000 (default 100); `cursor` is the `next` of the previous page.");
        keys.MapGet("/{keyId}", Get).WithName("GetKey").WithSummary("Read a key")
            .WithDescription("Never the secret: `last4` helps recognise it. `lastUsedAt` may lag by up to 60 seconds.");
        keys.MapPatch("/{keyId}", Update).WithName("UpdateKey").WithSummary("Change a key; null clears description, expiresAt, allowedIps")
            .WithDescription("Absent members stay as they are; `null` for `name` or `roles` is `400`. Changes take effect at the key's next verification.")
            .Refuses(StatusCodes.Status409Conflict, "`key_revoked`: the key is revoked; `key_limit_reached`: it would make an expired key active while the organization is full.");
        keys.MapPost("/{keyId}/revoke", Revoke).WithName("RevokeKey").WithSummary("Revoke a key for good; repeating it is a no-op")
            .WithDescription("The body is optional (`{}` or none). The next verification of the key answers `REVOKED`; it cannot be undone.");
        keys.MapPost("/{keyId}/rotate", Rotate).WithName("RotateKey").WithSummary("A new secret for the same key; the old one verifies until the grace period ends")
            .WithDescription("The body is optional; `gracePeriodSeconds` 0–86400 (default 0). The answer always has `previousSecretExpiresAt`. " + IdempotencyNote + " " + RotationNote)
            .Refuses(StatusCodes.Status409Conflict, "`key_revoked`: the key is revoked; `conflict`: the `Idempotency-Key` was used for another request.");
        keys.MapDelete("/{keyId}", Delete).WithName("DeleteKey").WithSummary("Delete a key")
            .WithDescription("Afterwards the key is gone: `404` here and `NOT_FOUND` in verification.");

        routes.MapGet("/v1/keys/self", Self).WithTags("Keys").WithName("GetSelf").WithSummary("The presenting key")
            .WithDescription("For any active API key, whatever its roles.")
            .RequireAuthorization(KeyGrainsAuthorization.AnyKey)
            .Refuses(StatusCodes.Status401Unauthorized, "`unauthenticated`: no key, an unknown one, or a revoked, expired or IP-blocked key.")
            .Refuses(StatusCodes.Status403Forbidden, "`forbidden`: the operator token is not a key.")
            .ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return routes;
    }

    public static async Task<Results<Created<NewKeyResponse>, ValidationProblem>> Create(
        string orgId, [FromBody] CreateKeyBody body, [FromHeader(Name = IdempotencyToken.Header)] string? idempotencyKey,
        HttpContext context, IGrainFactory grains, TimeProvider time, IdempotencyTokens idempotency)
    {
        var grain = OrgsApi.Org(grains, orgId);
        var errors = body.Check(time.GetUtcNow());
        errors.Check(IdempotencyToken.Header, IdempotencyTokens.Problem(idempotencyKey));
        if (errors.Failed)
        {
            return errors.Problem();
        }

        var created = await grain.CreateKey(
            new CreateKey(body.Name ?? "", body.Description, body.Roles!, body.ExpiresAt, body.AllowedIps), context.Caller(),
            await idempotency.ForAsync(orgId, idempotencyKey));
        return TypedResults.Created($"/v1/orgs/{orgId}/keys/{created.Key.Id}", NewKeyResponse.From(created));
    }

    public static async Task<Results<Ok<KeyPage>, ValidationProblem>> List(string orgId, string? status, string? search, string? limit, string? cursor, IGrainFactory grains)
    {
        var grain = OrgsApi.Org(grains, orgId);
        var errors = new FieldErrors();
        KeyStatusFilter? filter = status switch
        {
            null or "all" => KeyStatusFilter.All,
            "active" => KeyStatusFilter.Active,
            "revoked" => KeyStatusFilter.Revoked,
            "expired" => KeyStatusFilter.Expired,
            _ => null,
        };
        if (filter is null)
        {
            errors.Add("status", "One of active, revoked, expired, all.");
        }

        var count = errors.PageSize(limit, DefaultLimit, MaxLimit);
        errors.Check("search", Rules.TextProblem("The search", search, MaxSearchLength));
        if (errors.Failed)
        {
            return errors.Problem();
        }

        var query = new KeyQuery(filter!.Value, string.IsNullOrEmpty(search) ? null : search, count, string.IsNullOrEmpty(cursor) ? null : cursor);
        return TypedResults.Ok(await grain.ListKeys(query));
    }

    public static async Task<Ok<KeyInfo>> Get(string orgId, string keyId, IGrainFactory grains) =>
        TypedResults.Ok(await OrgsApi.Org(grains, orgId).GetKey(ValidKeyId(keyId)));

    public static async Task<Results<Ok<KeyInfo>, ValidationProblem>> Update(
        string orgId, string keyId, [FromBody] UpdateKeyBody body, HttpContext context, IGrainFactory grains, TimeProvider time)
    {
        var grain = OrgsApi.Org(grains, orgId);
        ValidKeyId(keyId);
        var errors = body.Check(time.GetUtcNow());
        if (errors.Failed)
        {
            return errors.Problem();
        }

        return TypedResults.Ok(await grain.UpdateKey(keyId, body.ToUpdate(), context.Caller()));
    }

    /// <summary>The body is optional and has no members; it is still bound, so a malformed one is a 400.</summary>
    public static async Task<Ok<KeyInfo>> Revoke(
        string orgId, string keyId, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] RevokeKeyBody? body, HttpContext context, IGrainFactory grains)
    {
        var grain = OrgsApi.Org(grains, orgId);
        return TypedResults.Ok(await grain.RevokeKey(ValidKeyId(keyId), context.Caller()));
    }

    public static async Task<Results<Ok<NewKeyResponse>, ValidationProblem>> Rotate(
        string orgId, string keyId, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] RotateKeyBody? body,
        [FromHeader(Name = IdempotencyToken.Header)] string? idempotencyKey, HttpContext context, IGrainFactory grains, IdempotencyTokens idempotency)
    {
        var grain = OrgsApi.Org(grains, orgId);
        ValidKeyId(keyId);
        var grace = body?.GracePeriodSeconds ?? 0;
        var errors = new FieldErrors();
        errors.Check("gracePeriodSeconds", Rules.GracePeriodProblem(grace));
        errors.Check(IdempotencyToken.Header, IdempotencyTokens.Problem(idempotencyKey));
        if (errors.Failed)
        {
            return errors.Problem();
        }

        var rotated = await grain.RotateKey(keyId, grace, context.Caller(), await idempotency.ForAsync(orgId, idempotencyKey));
        return TypedResults.Ok(NewKeyResponse.From(rotated));
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
