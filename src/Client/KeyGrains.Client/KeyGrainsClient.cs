using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KeyGrains.Client;

/// <summary>
/// The whole REST contract, one method per operation. Errors arrive as <see cref="KeyGrainsException"/>
/// with the contract's code; a service that cannot be reached surfaces as <see cref="HttpRequestException"/>.
/// The credential (operator token or an admin key) is sent as a bearer token by the handler that
/// <see cref="KeyGrainsClientServiceCollectionExtensions.AddKeyGrainsClient"/> installs.
/// </summary>
public sealed class KeyGrainsClient(HttpClient http)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // A request member left null is left out: absent means "default" or "unchanged" in the contract.
    private static readonly JsonSerializerOptions Requests = new(Json) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public HttpClient Http => http;

    // Organizations (operator)

    public Task<Org> CreateOrgAsync(NewOrg org, CancellationToken cancel = default) =>
        SendAsync<Org>(HttpMethod.Post, "v1/orgs", Body(org), cancel: cancel);

    public Task<Org> GetOrgAsync(string orgId, CancellationToken cancel = default) =>
        SendAsync<Org>(HttpMethod.Get, $"v1/orgs/{Seg(orgId)}", cancel: cancel);

    public Task<Org> UpdateOrgAsync(string orgId, OrgChanges changes, CancellationToken cancel = default) =>
        SendAsync<Org>(HttpMethod.Patch, $"v1/orgs/{Seg(orgId)}", Body(changes), cancel: cancel);

    // Roles (admin)

    public async Task<Role[]> ListRolesAsync(string orgId, CancellationToken cancel = default) =>
        (await SendAsync<ItemList<Role>>(HttpMethod.Get, $"v1/orgs/{Seg(orgId)}/roles", cancel: cancel)).Items;

    public Task<Role> PutRoleAsync(string orgId, string name, RoleDefinition role, CancellationToken cancel = default) =>
        SendAsync<Role>(HttpMethod.Put, $"v1/orgs/{Seg(orgId)}/roles/{Seg(name)}", Body(role), cancel: cancel);

    public Task DeleteRoleAsync(string orgId, string name, CancellationToken cancel = default) =>
        SendAsync<JsonElement?>(HttpMethod.Delete, $"v1/orgs/{Seg(orgId)}/roles/{Seg(name)}", cancel: cancel);

    // Keys (admin)

    /// <param name="idempotencyKey">32–255 visible ASCII characters; the same one within 24 hours gets the first answer again.</param>
    public Task<NewKey> CreateKeyAsync(string orgId, KeySpec key, string? idempotencyKey = null, CancellationToken cancel = default) =>
        SendAsync<NewKey>(HttpMethod.Post, $"v1/orgs/{Seg(orgId)}/keys", Body(key), idempotencyKey, cancel);

    public Task<Page<Key>> ListKeysAsync(string orgId, string? status = null, string? search = null, int? limit = null, string? cursor = null, CancellationToken cancel = default) =>
        SendAsync<Page<Key>>(HttpMethod.Get, $"v1/orgs/{Seg(orgId)}/keys" + Query(("status", status), ("search", search), ("limit", Num(limit)), ("cursor", cursor)), cancel: cancel);

    public Task<Key> GetKeyAsync(string orgId, string keyId, CancellationToken cancel = default) =>
        SendAsync<Key>(HttpMethod.Get, $"v1/orgs/{Seg(orgId)}/keys/{Seg(keyId)}", cancel: cancel);

    public Task<Key> UpdateKeyAsync(string orgId, string keyId, KeyChanges changes, CancellationToken cancel = default) =>
        SendAsync<Key>(HttpMethod.Patch, $"v1/orgs/{Seg(orgId)}/keys/{Seg(keyId)}", Patch(changes), cancel: cancel);

    public Task<Key> RevokeKeyAsync(string orgId, string keyId, CancellationToken cancel = default) =>
        SendAsync<Key>(HttpMethod.Post, $"v1/orgs/{Seg(orgId)}/keys/{Seg(keyId)}/revoke", cancel: cancel);

    /// <param name="gracePeriodSeconds">How long the old secret keeps verifying, 0–86400.</param>
    public Task<NewKey> RotateKeyAsync(string orgId, string keyId, int? gracePeriodSeconds = null, string? idempotencyKey = null, CancellationToken cancel = default) =>
        SendAsync<NewKey>(HttpMethod.Post, $"v1/orgs/{Seg(orgId)}/keys/{Seg(keyId)}/rotate",
            Body(new JsonObject { ["gracePeriodSeconds"] = gracePeriodSeconds ?? 0 }), idempotencyKey, cancel);

    public Task DeleteKeyAsync(string orgId, string keyId, CancellationToken cancel = default) =>
        SendAsync<JsonElement?>(HttpMethod.Delete, $"v1/orgs/{Seg(orgId)}/keys/{Seg(keyId)}", cancel: cancel);

    /// <summary>The presenting key itself (<c>GET /v1/keys/self</c>).</summary>
    public Task<Key> GetSelfAsync(CancellationToken cancel = default) =>
        SendAsync<Key>(HttpMethod.Get, "v1/keys/self", cancel: cancel);

    // Audit (admin)

    public Task<Page<AuditEvent>> GetAuditAsync(string orgId, int? limit = null, string? before = null, CancellationToken cancel = default) =>
        SendAsync<Page<AuditEvent>>(HttpMethod.Get, $"v1/orgs/{Seg(orgId)}/audit" + Query(("limit", Num(limit)), ("before", before)), cancel: cancel);

    // Verification (no credential: holding the key is the proof)

    /// <param name="ip">The end client's address; verifications with one are throttled per client, and IP rules apply to it.</param>
    public Task<Verification> VerifyAsync(string key, string? ip = null, IReadOnlyCollection<string>? permissions = null, CancellationToken cancel = default) =>
        SendAsync<Verification>(HttpMethod.Post, "v1/keys/verify",
            Body(new VerifyBody(key, ip, permissions is { Count: > 0 } ? [.. permissions] : null)), anonymous: true, cancel: cancel);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? body = null, string? idempotencyKey = null, CancellationToken cancel = default, bool anonymous = false)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (anonymous)
        {
            // Verification needs no credential, and an operator token has no business travelling with it.
            request.Options.Set(CredentialHandler.Anonymous, true);
        }

        using var response = await http.SendAsync(request, cancel);
        if (!response.IsSuccessStatusCode)
        {
            throw await ProblemAsync(response, cancel);
        }

        if (response.StatusCode == HttpStatusCode.NoContent || typeof(T) == typeof(JsonElement?))
        {
            return default!;
        }

        return (await response.Content.ReadFromJsonAsync<T>(Json, cancel))!;
    }

    private static async Task<KeyGrainsException> ProblemAsync(HttpResponseMessage response, CancellationToken cancel)
    {
        string code = "unknown", detail = response.ReasonPhrase ?? "";
        Dictionary<string, string[]>? errors = null;
        try
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancel));
            var root = document.RootElement;
            if (root.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String)
            {
                code = c.GetString()!;
            }

            if (root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String)
            {
                detail = d.GetString()!;
            }

            if (root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
            {
                errors = e.Deserialize<Dictionary<string, string[]>>(Json);
            }
        }
        catch (JsonException)
        {
            // Not problem details (a proxy's error page): the status is all there is.
        }

        var retryAfter = response.Headers.RetryAfter?.Delta;
        return new KeyGrainsException(response.StatusCode, code, detail, errors, retryAfter);
    }

    private static StringContent Body<T>(T value) =>
        new(JsonSerializer.Serialize(value, Requests), Encoding.UTF8, "application/json");

    private static StringContent Patch(KeyChanges changes)
    {
        var body = new JsonObject();
        if (changes.Name is not null)
        {
            body["name"] = changes.Name;
        }

        if (changes.Description is { } description)
        {
            body["description"] = description.Value;
        }

        if (changes.Roles is not null)
        {
            body["roles"] = JsonSerializer.SerializeToNode(changes.Roles, Json);
        }

        if (changes.ExpiresAt is { } expiresAt)
        {
            body["expiresAt"] = expiresAt.Value is { } at ? at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : null;
        }

        if (changes.AllowedIps is { } allowedIps)
        {
            body["allowedIps"] = JsonSerializer.SerializeToNode(allowedIps.Value, Json);
        }

        return Body(body);
    }

    private static string Seg(string value) => Uri.EscapeDataString(value);

    private static string? Num(int? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var query = new StringBuilder();
        foreach (var (name, value) in parameters)
        {
            if (value is not null)
            {
                query.Append(query.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
            }
        }

        return query.ToString();
    }

    private sealed record VerifyBody(string Key, string? Ip, string[]? Permissions)
    {
        private bool PrintMembers(StringBuilder builder)
        {
            builder.Append("Key = ***, Ip = ").Append(Ip);
            return true;
        }
    }
}
