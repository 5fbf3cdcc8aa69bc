using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace KeyGrains.WebApi.Auth;

/// <summary>The three policies of the contract: operator, org admin, and any valid key.</summary>
public static class KeyGrainsAuthorization
{
    public const string Operator = "operator";
    public const string OrgAdmin = "org-admin";
    public const string AnyKey = "any-key";

    public static IServiceCollection AddKeyGrainsAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<OperatorCredential>();
        services.AddValidatedOptions<OperatorTokenOptions, OperatorTokenOptionsValidator>(configuration.GetSection(OperatorTokenOptions.Section));

        services.AddHostedService<OperatorTokenSetup>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, RefusalHandler>();
        services.AddSingleton<RefusalLog>();
        services.AddHostedService<RefusalLogFlusher>();

        // No default scheme: only endpoints with a policy authenticate, so /v1/keys/verify never
        // spends a grain call on a header it does not use.
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, KeyGrainsAuthenticationHandler>(Principals.Scheme, null);

        services.AddAuthorizationBuilder()
            .AddPolicy(Operator, p => p
                .AddAuthenticationSchemes(Principals.Scheme)
                .RequireAuthenticatedUser()
                .RequireAssertion(c => c.User.IsOperator()))
            .AddPolicy(OrgAdmin, p => p
                .AddAuthenticationSchemes(Principals.Scheme)
                .RequireAuthenticatedUser()
                .RequireAssertion(c => c.User.IsOperator() || IsAdminOfRouteOrg(c)))
            .AddPolicy(AnyKey, p => p
                .AddAuthenticationSchemes(Principals.Scheme)
                .RequireAuthenticatedUser()
                .RequireAssertion(c => c.User.IsKey()));
        return services;
    }

    private static bool IsAdminOfRouteOrg(AuthorizationHandlerContext context) =>
        context.Resource is HttpContext http
        && http.GetRouteValue("orgId") is string orgId
        && context.User.IsKey()
        && string.Equals(context.User.OrgId(), orgId, StringComparison.Ordinal)
        && context.User.HasRole("admin");
}
