using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace KeyGrains.Client;

public static class KeyGrainsAuthenticationExtensions
{
    /// <summary>
    /// The KeyGrains API-key scheme. Needs <see cref="KeyGrainsClientServiceCollectionExtensions.AddKeyGrainsClient"/>
    /// (no token: verification needs none).
    /// </summary>
    public static AuthenticationBuilder AddKeyGrainsApiKey(this AuthenticationBuilder builder, Action<KeyGrainsApiKeyOptions>? configure = null) =>
        builder.AddScheme<KeyGrainsApiKeyOptions, KeyGrainsApiKeyHandler>(KeyGrainsClaims.Scheme, configure);

    /// <summary>Requires a key whose roles grant every one of <paramref name="permissions"/> (concrete <c>resource:action</c>s).</summary>
    public static AuthorizationPolicyBuilder RequireKeyGrainsPermission(this AuthorizationPolicyBuilder policy, params string[] permissions) =>
        policy.RequireAuthenticatedUser().RequireAssertion(context =>
        {
            var granted = context.User.FindAll(KeyGrainsClaims.Permission).Select(c => c.Value).ToArray();
            return permissions.All(p => granted.Any(g => Grants(g, p)));
        });

    /// <summary>A policy named after the permission: <c>.RequireAuthorization("clusters:write")</c>.</summary>
    public static AuthorizationBuilder AddKeyGrainsPermissionPolicy(this AuthorizationBuilder authorization, string permission) =>
        authorization.AddPolicy(permission, p => p.AddAuthenticationSchemes(KeyGrainsClaims.Scheme).RequireKeyGrainsPermission(permission));

    /// <summary>
    /// The contract's matching of a granted pattern (<c>*</c>, or <c>resource:action</c> where either
    /// part may be <c>*</c>) against a concrete permission, as the service applies it.
    /// </summary>
    public static bool Grants(string pattern, string permission)
    {
        if (pattern == "*")
        {
            return true;
        }

        var p = pattern.Split(':');
        var r = permission.Split(':');
        return p.Length == 2 && r.Length == 2 && (p[0] == "*" || p[0] == r[0]) && (p[1] == "*" || p[1] == r[1]);
    }
}
