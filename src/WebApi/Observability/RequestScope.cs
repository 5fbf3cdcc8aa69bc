using System.Diagnostics;

namespace KeyGrains.WebApi.Observability;

/// <summary>
/// The log scope (request id and path) and the activity ASP.NET Core's hosting gives each request
/// while its own log category is on, given here after the verification path, so only the admin API
/// pays for them. <c>appsettings.json</c> turns <see cref="HostingCategory"/> off: while it is on,
/// hosting builds both for every request before any middleware runs, and they were more than half of
/// what a verification allocated. With OTLP tracing on, hosting starts the activity itself (its
/// tracer listens), and this adds only the scope.
/// </summary>
public static class RequestScope
{
    public const string HostingCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>The activity's name as hosting gives it, so a log line reads the same either way.</summary>
    private const string ActivityName = "Microsoft.AspNetCore.Hosting.HttpRequestIn";

    /// <summary>The scope hosting writes, with the same members and text.</summary>
    private static readonly Func<ILogger, string?, string, IDisposable?> Scope =
        LoggerMessage.DefineScope<string?, string>("RequestPath:{RequestPath} RequestId:{RequestId}");

    public static IApplicationBuilder UseKeyGrainsRequestScope(this IApplicationBuilder app)
    {
        var log = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("KeyGrains.WebApi.Requests");
        return app.Use(async (context, next) =>
        {
            using var activity = Activity.Current is null ? Start(context.Request) : null;
            using var scope = Scope(log, context.Request.Path.Value, context.TraceIdentifier);
            await next(context);
        });
    }

    /// <summary>An activity under the caller's <c>traceparent</c>, when it sent one, so its ids join the caller's trace.</summary>
    private static Activity Start(HttpRequest request)
    {
        var activity = new Activity(ActivityName);
        DistributedContextPropagator.Current.ExtractTraceIdAndState(request.Headers, static (object? carrier, string name, out string? value, out IEnumerable<string>? values) =>
        {
            values = null;
            value = ((IHeaderDictionary)carrier!)[name].ToString();
            value = value.Length == 0 ? null : value;
        }, out var parent, out var state);
        if (parent is not null)
        {
            activity.SetParentId(parent);
            activity.TraceStateString = state;
        }

        return activity.Start();
    }
}
