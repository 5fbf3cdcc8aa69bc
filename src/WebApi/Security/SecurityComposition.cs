using System.Globalization;
using KeyGrains.WebApi.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace KeyGrains.WebApi.Security;

/// <summary>The <c>Security</c> settings turned into Kestrel limits, forwarded headers, the failure throttle and CORS.</summary>
public static class SecurityComposition
{
    /// <summary>Kestrel's own defaults, named here so the documentation and the tests can point at them.</summary>
    public const int MaxRequestHeadersTotalSize = 32 * 1024;
    public const int MaxRequestHeaderCount = 100;
    public const int MaxRequestLineSize = 8 * 1024;

    /// <summary>Deeper JSON is refused with 400: no request body of the contract nests beyond 3.</summary>
    public const int MaxJsonDepth = 32;

    private const string CorsPolicy = "configured-origins";

    public static WebApplicationBuilder AddKeyGrainsSecurity(this WebApplicationBuilder builder)
    {
        // Read while composing: Kestrel, forwarded headers and CORS are configured from it here.
        var settings = builder.Services.ReadValidatedOptions<SecurityOptions, SecurityOptionsValidator>(
            builder.Configuration.GetSection(SecurityOptions.Section));

        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestHeadersTotalSize = MaxRequestHeadersTotalSize;
            k.Limits.MaxRequestHeaderCount = MaxRequestHeaderCount;
            k.Limits.MaxRequestLineSize = MaxRequestLineSize;
        });
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.MaxDepth = MaxJsonDepth);

        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor;

            // The defaults trust loopback; here only what the operator names is trusted.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var network in SecurityOptions.Networks(settings.TrustedProxies))
            {
                o.KnownIPNetworks.Add(network);
            }

            // Walk X-Forwarded-For from the right through trusted proxies only: the first untrusted
            // hop is the client, whatever a caller wrote further left.
            o.ForwardLimit = null;
        });

        builder.Services.AddSingleton<FailureThrottle>();

        if (settings.Cors.AllowedOrigins.Length > 0)
        {
            builder.Services.AddCors(o => o.AddPolicy(CorsPolicy, p => p
                .WithOrigins(settings.Cors.AllowedOrigins)
                .WithMethods("GET", "POST", "PUT", "PATCH", "DELETE")
                .WithHeaders("Authorization", "X-API-Key", "Content-Type")
                .WithExposedHeaders("Retry-After")));
        }

        return builder;
    }

    /// <summary>Forwarded headers first (every later step sees the real client), then the answer's headers, then CORS.</summary>
    public static WebApplication UseKeyGrainsSecurity(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<IOptions<SecurityOptions>>().Value;

        // Never with an empty list: the middleware then believes X-Forwarded-For from any peer.
        if (settings.TrustedProxies.Length > 0)
        {
            app.UseForwardedHeaders();
        }

        app.UseKeyGrainsSecurityHeaders();
        if (settings.Cors.AllowedOrigins.Length > 0)
        {
            app.UseCors(CorsPolicy);
        }

        return app;
    }

    /// <summary>
    /// The answer to a failure from a source past its budget, instead of the failure's own answer:
    /// 429 with the seconds until its window ends.
    /// </summary>
    public static ValueTask WriteThrottledAsync(HttpContext context, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Problems.WriteAsync(context, StatusCodes.Status429TooManyRequests, Problems.TooManyRequests,
            "Too many failed attempts from this source; retry after the time in Retry-After.");
    }
}
