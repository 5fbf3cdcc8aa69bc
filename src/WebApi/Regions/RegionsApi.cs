using Microsoft.AspNetCore.Http.HttpResults;
using KeyGrains.Hosting.Regions;
using KeyGrains.WebApi.Apis;
using KeyGrains.WebApi.Auth;
using Microsoft.Extensions.Options;

namespace KeyGrains.WebApi.Regions;

/// <summary><c>GET /v1/regions</c>: the regions this one knows of, with how far behind the primary each is.</summary>
public static class RegionsApi
{
    public static IEndpointRouteBuilder MapRegionsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/v1/regions").WithTags("Regions").WithAdminProblems()
            .MapGet("/", List).RequireAuthorization(KeyGrainsAuthorization.Operator)
            .WithName("ListRegions")
            .WithSummary("The primary region and the replica regions this region knows of")
            .WithDescription("In a replica region: itself (its copy's age as `replicationLagMs`) and the primary. In the primary: itself and the replicas streaming from it.");

        // Between regions only: a replica's nodes report where its keys were used (PrimaryLastUse).
        routes.MapPost("/v1/regions/last-use", TakeLastUse).RequireAuthorization(KeyGrainsAuthorization.Operator).ExcludeFromDescription();
        return routes;
    }

    /// <summary>Hands each organization its keys' last use, as this region's own nodes do.</summary>
    public static NoContent TakeLastUse(Dictionary<string, Dictionary<string, DateTimeOffset>> byOrg, KeyGrains.Keys.ILastUseSink organizations)
    {
        organizations.Report(byOrg);
        return TypedResults.NoContent();
    }

    public static Ok<RegionList> List(HttpRequest request, IOptions<RegionOptions> options, ReplicationLag replication)
    {
        var region = options.Value;
        var self = $"{request.Scheme}://{request.Host}";
        if (region.IsReplica)
        {
            var lag = replication.Lag is { } l ? (long)l.TotalMilliseconds : (long?)null;
            return TypedResults.Ok(new RegionList(
            [
                new RegionInfo(region.PrimaryName, true, region.PrimaryUrl?.ToString().TrimEnd('/'), 0, replication.Connected),
                new RegionInfo(region.Name, false, self, lag, replication.Connected),
            ]));
        }

        var items = new List<RegionInfo> { new(region.Name, true, self, 0, true) };
        foreach (var s in replication.Subscribers)
        {
            items.Add(new RegionInfo(s.Name, false, s.Url, s.Lag is { } lag ? (long)lag.TotalMilliseconds : null, s.Connected));
        }

        return TypedResults.Ok(new RegionList([.. items]));
    }
}

public sealed record RegionList(RegionInfo[] Items);

/// <summary><c>replicationLagMs</c> is null in a replica that has not yet heard from its primary.</summary>
public sealed record RegionInfo(string Name, bool Primary, string? Url, long? ReplicationLagMs, bool Connected);
