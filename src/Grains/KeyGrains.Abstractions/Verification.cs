using System.Net;

namespace KeyGrains;

/// <summary>
/// A verification as the key grain receives it: the whole presented key (already checked for
/// format and checksum at the edge), the caller's address if known, and the permissions asked for.
/// </summary>
[GenerateSerializer, Immutable, Alias("kg.VerifyRequest")]
public sealed record VerifyRequest(
    [property: Id(0)] string Key,
    [property: Id(1)] IPAddress? Ip,
    [property: Id(2)] string[]? Permissions)
{
    // A record prints every member: this one must never put the presented key in a log line.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("Key = ").Append(Redacted.Text).Append(", Ip = ").Append(Ip)
            .Append(", Permissions = ").Append(Permissions is null ? "" : string.Join(',', Permissions));
        return true;
    }
}

/// <summary>
/// The answer. Everything but <see cref="Code"/> is present only when the secret itself matched.
/// </summary>
[GenerateSerializer, Immutable, Alias("kg.VerifyResult")]
public sealed record VerifyResult(
    [property: Id(0)] VerifyCode Code,
    [property: Id(1)] string? KeyId = null,
    [property: Id(2)] string? OrgId = null,
    [property: Id(3)] string? Name = null,
    [property: Id(4)] string[]? Roles = null,
    [property: Id(5)] string[]? Permissions = null,
    [property: Id(6)] DateTimeOffset? ExpiresAt = null)
{
    public static readonly VerifyResult NotFound = new(VerifyCode.NotFound);

    // Written on first use and kept while this instance lives: a key's model returns one VALID
    // instance until the key changes, so its answer is written once per version of the key.
    // Never serialized: a copy received from another silo writes its own.
    [NonSerialized] private byte[]? _json;
    [NonSerialized] private string? _rolesText;

    public bool IsValid => Code == VerifyCode.Valid;

    /// <summary>The code as the contract spells it, in the verify answer and in forward authentication's header.</summary>
    public static string CodeText(VerifyCode code) => code switch
    {
        VerifyCode.Valid => "VALID",
        VerifyCode.Revoked => "REVOKED",
        VerifyCode.Expired => "EXPIRED",
        VerifyCode.IpNotAllowed => "IP_NOT_ALLOWED",
        VerifyCode.InsufficientPermissions => "INSUFFICIENT_PERMISSIONS",
        _ => "NOT_FOUND",
    };

    /// <summary>
    /// The answer of <c>POST /v1/keys/verify</c> as UTF-8 JSON: <c>valid</c> and <c>code</c>, then the
    /// key's members only when present (they are only when the secret itself matched).
    /// </summary>
    public byte[] Utf8Json() => _json ??= WriteJson();

    /// <summary>The roles comma-separated, as forward authentication's header carries them.</summary>
    public string RolesText() => _rolesText ??= Roles is { } roles ? string.Join(',', roles) : string.Empty;

    // Equality is the answer's members; the cached texts are derived from them.
    public bool Equals(VerifyResult? other) =>
        other is not null && Code == other.Code && KeyId == other.KeyId && OrgId == other.OrgId && Name == other.Name
        && Roles == other.Roles && Permissions == other.Permissions && ExpiresAt == other.ExpiresAt;

    public override int GetHashCode() => HashCode.Combine(Code, KeyId, OrgId, Name, Roles, Permissions, ExpiresAt);

    private byte[] WriteJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(KeyId is null ? 48 : 256);
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteBoolean("valid"u8, IsValid);
            json.WriteString("code"u8, CodeText(Code));
            WriteIfPresent(json, "keyId"u8, KeyId);
            WriteIfPresent(json, "orgId"u8, OrgId);
            WriteIfPresent(json, "name"u8, Name);
            WriteIfPresent(json, "roles"u8, Roles);
            WriteIfPresent(json, "permissions"u8, Permissions);
            if (ExpiresAt is { } expires)
            {
                // RFC 3339 in UTC ending in Z, as every other time of the API is written.
                json.WriteString("expiresAt"u8, expires.UtcDateTime);
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteIfPresent(System.Text.Json.Utf8JsonWriter json, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteIfPresent(System.Text.Json.Utf8JsonWriter json, ReadOnlySpan<byte> name, string[]? values)
    {
        if (values is null)
        {
            return;
        }

        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
