using System.Net;
using System.Security.Claims;

namespace KeyGrains.WebApi.Auth;

/// <summary>What the authentication handler puts in the principal, and the <see cref="Caller"/> it makes.</summary>
public static class Principals
{
    public const string Scheme = "KeyGrains";
    public const string KindClaim = "kg:kind";
    public const string KeyClaim = "kg:key";
    public const string OrgClaim = "kg:org";
    public const string RoleClaim = "kg:role";

    public static ClaimsPrincipal Operator() =>
        new(new ClaimsIdentity([new Claim(KindClaim, "operator")], Scheme));

    public static ClaimsPrincipal Key(VerifyResult result)
    {
        var claims = new List<Claim>
        {
            new(KindClaim, "key"),
            new(KeyClaim, result.KeyId!),
            new(OrgClaim, result.OrgId!),
        };
        foreach (var role in result.Roles ?? [])
        {
            claims.Add(new Claim(RoleClaim, role));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme));
    }

    public static bool IsOperator(this ClaimsPrincipal user) => user.HasClaim(KindClaim, "operator");

    public static bool IsKey(this ClaimsPrincipal user) => user.HasClaim(KindClaim, "key");

    public static string? KeyId(this ClaimsPrincipal user) => user.FindFirst(KeyClaim)?.Value;

    public static string? OrgId(this ClaimsPrincipal user) => user.FindFirst(OrgClaim)?.Value;

    public static bool HasRole(this ClaimsPrincipal user, string role) => user.HasClaim(RoleClaim, role);

    /// <summary>The TCP peer (or, once forwarded headers are configured, the trusted proxy's client).</summary>
    public static IPAddress? PeerAddress(this HttpContext context) =>
        context.Connection.RemoteIpAddress is { } ip ? KeyGrains.Validation.Normalize(ip) : null;

    public static Caller Caller(this HttpContext context)
    {
        var ip = context.PeerAddress()?.ToString();
        return context.User.KeyId() is { } keyId ? KeyGrains.Caller.Key(keyId, ip) : KeyGrains.Caller.Operator(ip);
    }
}
