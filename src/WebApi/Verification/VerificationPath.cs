using KeyGrains.WebApi.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace KeyGrains.WebApi.Verification;

/// <summary>
/// Verification and forward authentication answered ahead of the pipeline: neither needs
/// authentication, authorization, CORS, routing or the exception middleware (each handler turns its
/// own failures into problem details), and both are most of the traffic. What they do need (the
/// answer's headers, the limits, the throttle, the forwarded client address) they do themselves.
/// The endpoints stay mapped for the OpenAPI document and for every method this does not take.
/// </summary>
public static class VerificationPath
{
    public static WebApplication UseKeyGrainsVerificationPath(this WebApplication app)
    {
        var trustsProxies = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value.TrustedProxies.Length > 0;

        // Everything the two handlers resolve is a singleton: the root provider serves them, and no
        // request scope is created and disposed per call.
        var root = app.Services;
        app.MapWhen(IsVerify, branch => branch.Run(context =>
        {
            context.RequestServices = root;
            LeaveOutOfHostingMetrics(context);
            return VerifyApi.Verify(context);
        }));
        app.MapWhen(IsForwardAuth, branch =>
        {
            // The same step as the admin API's, so X-Forwarded-For means one thing everywhere; never
            // with an empty list, where it would believe any peer.
            if (trustsProxies)
            {
                branch.UseForwardedHeaders();
            }

            branch.Run(context =>
            {
                context.RequestServices = root;
                LeaveOutOfHostingMetrics(context);
                return ForwardAuthApi.Authenticate(context);
            });
        });
        return app;
    }

    /// <summary>
    /// Hosting records <c>http.server.request.duration</c> with five tags for every request, a tag
    /// lookup in OpenTelemetry's store each time; the hot paths have their own, cheaper series
    /// (<see cref="Observability.VerificationMetrics"/>), so hosting's is kept for the admin API.
    /// </summary>
    private static void LeaveOutOfHostingMetrics(HttpContext context)
    {
        if (context.Features.Get<IHttpMetricsTagsFeature>() is { } metrics)
        {
            metrics.MetricsDisabled = true;
        }
    }

    private static bool IsVerify(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method) && Is(context.Request.Path, VerifyApi.Path);

    private static bool IsForwardAuth(HttpContext context) => Is(context.Request.Path, ForwardAuthApi.Path);

    /// <summary>The path as routing matches it: any case, one trailing slash allowed.</summary>
    private static bool Is(PathString path, string expected)
    {
        var value = path.Value;
        return value is not null
            && value.StartsWith(expected, StringComparison.OrdinalIgnoreCase)
            && (value.Length == expected.Length || (value.Length == expected.Length + 1 && value[^1] == '/'));
    }
}
