using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KeyGrains.Client;

/// <summary>Where KeyGrains is and which credential the client presents.</summary>
public sealed class KeyGrainsClientOptions
{
    /// <summary>The web API, say <c>http://127.0.0.1:5080</c>.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>
    /// The operator token or an organization's admin key, sent as a bearer token on admin calls.
    /// Not needed for verification (nor by the authentication handler).
    /// </summary>
    public string? Token { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

public static class KeyGrainsClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="KeyGrainsClient"/> as a typed client of <c>IHttpClientFactory</c>; the
    /// returned builder adds handlers (resilience, logging) like any other.
    /// </summary>
    public static IHttpClientBuilder AddKeyGrainsClient(this IServiceCollection services, Action<KeyGrainsClientOptions> configure)
    {
        services.AddOptions<KeyGrainsClientOptions>()
            .Configure(configure)
            .Validate(o => o.BaseAddress is { IsAbsoluteUri: true }, "KeyGrains client: BaseAddress must be an absolute URI (say http://127.0.0.1:5080).")
            .ValidateOnStart();
        services.AddTransient<CredentialHandler>();
        return services.AddHttpClient<KeyGrainsClient>((provider, http) =>
            {
                var options = provider.GetRequiredService<IOptions<KeyGrainsClientOptions>>().Value;
                var address = options.BaseAddress!.ToString();
                http.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
                http.Timeout = options.Timeout;
            })
            .AddHttpMessageHandler<CredentialHandler>();
    }
}

/// <summary>Adds the configured credential to every call but verification.</summary>
internal sealed class CredentialHandler(IOptions<KeyGrainsClientOptions> options) : DelegatingHandler
{
    public static readonly HttpRequestOptionsKey<bool> Anonymous = new("KeyGrains.Anonymous");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (options.Value.Token is { Length: > 0 } token && !(request.Options.TryGetValue(Anonymous, out var anonymous) && anonymous))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
