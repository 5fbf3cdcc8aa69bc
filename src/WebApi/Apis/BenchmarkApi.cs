using KeyGrains.WebApi.Http;
using KeyGrains.WebApi.Verification;

namespace KeyGrains.WebApi.Apis;

/// <summary>
/// <c>POST /v1/bench/bare</c>, mapped only when <c>Benchmarks:BareEndpoint</c> is true: the benchmark's
/// ceiling. It reads and parses the same body as verification and answers JSON of the same shape,
/// with no authentication and no grain call, under /v1 so the same middleware runs for both.
/// </summary>
public static class BenchmarkApi
{
    public static IEndpointRouteBuilder MapBenchmarkApi(this IEndpointRouteBuilder routes, IConfiguration configuration)
    {
        if (configuration.GetValue("Benchmarks:BareEndpoint", false))
        {
            routes.MapPost("/v1/bench/bare", Bare).AllowAnonymous().ExcludeFromDescription();
        }

        return routes;
    }

    private static async Task<IResult> Bare(HttpRequest request, KeyGrains.Keys.KeyTagSource keyTags, IGrainFactory grains)
    {
        var body = await JsonBody.ReadAsync<VerifyApi.VerifyBody>(request, wrongMediaTypeIs400: true);
        var tagger = keyTags.Current ?? await keyTags.GetAsync(grains);
        var answer = new VerifyResult(tagger.TryParse(body.Key, out _) ? VerifyCode.Valid : VerifyCode.NotFound);
        return TypedResults.Ok(new VerifyApi.VerifyResponse(answer));
    }
}
