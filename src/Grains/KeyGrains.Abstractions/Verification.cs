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

    public bool IsValid => Code == VerifyCode.Valid;
}
