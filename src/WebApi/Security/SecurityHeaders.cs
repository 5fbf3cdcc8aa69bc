namespace KeyGrains.WebApi.Security;

/// <summary>
/// Headers on every answer, set when the answer starts so that the exception handler (which clears
/// headers) and the status-code pages cannot lose them.
/// </summary>
public static class SecurityHeaders
{
    public static IApplicationBuilder UseKeyGrainsSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(static (context, next) =>
        {
            context.Response.OnStarting(static state => Apply((HttpContext)state), context);
            return next(context);
        });

    internal static Task Apply(HttpContext context)
    {
        var headers = context.Response.Headers;

        // No browser may guess a type: a JSON answer quoting client input must never run as HTML.
        headers.XContentTypeOptions = "nosniff";
        if (context.Request.Path.StartsWithSegments("/v1"))
        {
            // Every API answer may carry a secret (create, rotate) or tenant data: no cache may keep it.
            headers.CacheControl = "no-store";
            headers.Pragma = "no-cache";
        }

        return Task.CompletedTask;
    }
}
