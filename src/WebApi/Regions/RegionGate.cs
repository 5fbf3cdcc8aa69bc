using KeyGrains.Hosting.Regions;
using KeyGrains.WebApi.Http;
using KeyGrains.WebApi.Verification;
using Microsoft.Extensions.Options;

namespace KeyGrains.WebApi.Regions;

/// <summary>
/// Every answer names its region. In a replica region: admin writes go to the primary (<see cref="PrimaryForwarder"/>),
/// and verification past <c>Regions:MaxStaleness</c> answers 503 unless <c>Regions:StalePolicy</c> is <c>Serve</c>.
/// </summary>
public sealed class RegionGate(RequestDelegate next, IOptions<RegionOptions> options, ReplicationLag replication, PrimaryForwarder forwarder)
{
    public const string Header = "KeyGrains-Region";

    private readonly RegionOptions _region = options.Value;

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.Headers[Header] = _region.Name;
        if (!_region.IsReplica)
        {
            return next(context);
        }

        var request = context.Request;
        if (IsAdminWrite(request))
        {
            return forwarder.ForwardAsync(context);
        }

        // Fail closed: a copy older than the bound may still hold a key the primary revoked since.
        if (_region.StalePolicy == StalePolicy.FailClosed && IsVerification(request) && replication.Stale)
        {
            context.Response.Headers.RetryAfter = Problems.RetryAfterSeconds.ToString();
            return Problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, Problems.ServiceUnavailable,
                "This replica region's copy is older than its staleness bound; try again shortly or ask another region.").AsTask();
        }

        return next(context);
    }

    public static bool IsAdminWrite(HttpRequest request) =>
        !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method)
        && request.Path.StartsWithSegments("/v1/orgs");

    private static bool IsVerification(HttpRequest request) =>
        request.Path.StartsWithSegments("/v1/keys/verify") || request.Path.StartsWithSegments(ForwardAuthApi.Path);
}
