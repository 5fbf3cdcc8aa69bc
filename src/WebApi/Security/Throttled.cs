namespace KeyGrains.WebApi.Security;

/// <summary>429 with <c>Retry-After</c>: a failure from a source past its budget, instead of its own answer.</summary>
public sealed class Throttled(TimeSpan retryAfter) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext) =>
        SecurityComposition.WriteThrottledAsync(httpContext, retryAfter).AsTask();
}
