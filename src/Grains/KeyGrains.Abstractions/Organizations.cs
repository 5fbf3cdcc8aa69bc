namespace KeyGrains;

[GenerateSerializer, Immutable, Alias("kg.OrgInfo")]
public sealed record OrgInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] Plan Plan,
    [property: Id(3)] int KeyLimit,
    [property: Id(4)] int ActiveKeyCount,
    [property: Id(5)] DateTimeOffset CreatedAt);

/// <summary>A new organization; a null key limit takes the configured default.</summary>
[GenerateSerializer, Immutable, Alias("kg.CreateOrg")]
public sealed record CreateOrg(
    [property: Id(0)] string Name,
    [property: Id(1)] Plan Plan = Plan.Standard,
    [property: Id(2)] int? KeyLimit = null);

/// <summary>A change to an organization: null members stay as they are.</summary>
[GenerateSerializer, Immutable, Alias("kg.UpdateOrg")]
public sealed record UpdateOrg(
    [property: Id(0)] string? Name = null,
    [property: Id(1)] Plan? Plan = null,
    [property: Id(2)] int? KeyLimit = null);

[GenerateSerializer, Immutable, Alias("kg.RoleInfo")]
public sealed record RoleInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Description,
    [property: Id(2)] string[] Permissions,
    [property: Id(3)] bool BuiltIn);

/// <summary>Who asks for a change, for the audit log: <c>operator</c> or <c>key:&lt;id&gt;</c>.</summary>
[GenerateSerializer, Immutable, Alias("kg.Caller")]
public sealed record Caller(
    [property: Id(0)] string Actor,
    [property: Id(1)] string? SourceIp = null)
{
    public static Caller Operator(string? sourceIp = null) => new("operator", sourceIp);

    public static Caller Key(string keyId, string? sourceIp = null) => new("key:" + keyId, sourceIp);
}
