using System.Text.Json.Serialization;
using KeyGrains.WebApi.Apis;
using KeyGrains.WebApi.Auth;
using KeyGrains.WebApi.Http;
using KeyGrains.WebApi.Observability;
using KeyGrains.WebApi.Regions;
using KeyGrains.WebApi.Security;
using KeyGrains.WebApi.Verification;

namespace KeyGrains.WebApi.Hosting;

/// <summary>The whole web API, for <c>Program</c> and for the tests that host it.</summary>
public static class WebApiComposition
{
    public const string DefaultUrls = "http://127.0.0.1:5080";

    public static WebApplicationBuilder AddKeyGrainsWebApi(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["Kestrel:Endpoints:Http:Url"]))
        {
            builder.WebHost.UseUrls(DefaultUrls);
        }

        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = JsonBody.MaxBytes);
        builder.AddKeyGrainsSecurity();
        builder.AddKeyGrainsOrleans();
        builder.AddKeyGrainsObservability();
        builder.AddKeyGrainsRegions();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase, allowIntegerValues: false));
            o.SerializerOptions.Converters.Add(new UtcTimeConverter());
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IdempotencyTokens>();
        builder.Services.AddKeyGrainsProblems();
        builder.Services.AddKeyGrainsVerification(builder.Configuration);
        builder.Services.AddKeyGrainsAuth(builder.Configuration);
        builder.Services.AddKeyGrainsHealth();
        builder.Services.AddKeyGrainsOpenApi();
        return builder;
    }

    public static WebApplication MapKeyGrainsWebApi(this WebApplication app)
    {
        // First, even ahead of the hot paths: every answer names its region, a replica forwards admin
        // writes, and a stale replica refuses to verify.
        app.UseKeyGrainsRegions();

        // Then the hot paths, which need none of the middleware below (see VerificationPath).
        app.UseKeyGrainsVerificationPath();
        app.UseKeyGrainsRequestScope(); // what hosting would have given every request, for the admin API only
        app.UseRouting(); // here, not implicitly ahead of everything: the hot paths never match a route
        app.UseKeyGrainsSecurity();
        app.UseKeyGrainsProblems();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseKeyGrainsObservability();
        app.MapOrgsApi();
        app.MapRolesApi();
        app.MapKeysApi();
        app.MapVerifyApi();
        app.MapForwardAuthApi();
        app.MapAuditApi();
        app.MapRegionsApi();
        app.MapKeyGrainsHealth();
        app.MapKeyGrainsOpenApi();
        app.MapConsole();
        app.MapBenchmarkApi(app.Configuration);
        return app;
    }
}
