using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace KeyGrains.Hosting.Observability;

/// <summary>
/// The peer check in front of <c>/metrics</c> and <c>/dashboard</c>. The peer is the connection's
/// address, or the client a trusted proxy reports (<c>Security:TrustedProxies</c>), never a header
/// from anyone else.
/// </summary>
public sealed class PeerGate(IPNetwork[] networks)
{
    public bool Allows(IPAddress? peer)
    {
        if (peer is null)
        {
            return false;
        }

        if (peer.IsIPv4MappedToIPv6)
        {
            peer = peer.MapToIPv4();
        }

        foreach (var network in networks)
        {
            if (network.Contains(peer))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The refusal: 404 with code <c>not_found</c>, as for any path that does not exist, so a scan from
    /// outside learns nothing about what this node serves.
    /// </summary>
    public static ValueTask RefuseAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        var problem = new ProblemDetails { Status = StatusCodes.Status404NotFound, Title = "Not found.", Detail = "Nothing is found at this path." };
        problem.Extensions["code"] = "not_found";
        return context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }
}
