using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KeyGrains.Client;

/// <summary>The claims a verified key gives its principal.</summary>
public static class KeyGrainsClaims
{
    public const string Scheme = "KeyGrainsApiKey";
    public const string KeyId = "keygrains:key_id";
    public const string OrgId = "keygrains:org_id";
    public const string Name = "keygrains:name";

    /// <summary>One claim per granted pattern (<c>clusters:read</c>, <c>backups:*</c>, <c>*</c>).</summary>
    public const string Permission = "keygrains:permission";
}

public sealed class KeyGrainsApiKeyOptions : AuthenticationSchemeOptions;

/// <summary>
/// Authenticates a request by the API key it presents (<c>X-API-Key</c> or <c>Authorization: Bearer</c>),
/// verified by KeyGrains against the client's address (<c>HttpContext.Connection.RemoteIpAddress</c>,
/// which <c>UseForwardedHeaders</c> sets behind a proxy).
/// </summary>
public sealed class KeyGrainsApiKeyHandler(
    IOptionsMonitor<KeyGrainsApiKeyOptions> options, ILoggerFactory logger, UrlEncoder encoder, KeyGrainsClient client)
    : AuthenticationHandler<KeyGrainsApiKeyOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var apiKey = Request.Headers["X-API-Key"].ToString();
        var authorization = Request.Headers.Authorization.ToString();
        var bearer = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : "";
        if (apiKey.Length > 0 && bearer.Length > 0 && apiKey != bearer)
        {
            return AuthenticateResult.Fail("Two different credentials.");
        }

        var key = apiKey.Length > 0 ? apiKey : bearer;
        if (key.Length == 0)
        {
            return AuthenticateResult.NoResult();
        }

        Verification verification;
        try
        {
            verification = await client.VerifyAsync(key, Context.Connection.RemoteIpAddress?.ToString(), cancel: Context.RequestAborted);
        }
        catch (Exception e) when (e is HttpRequestException or KeyGrainsException or TaskCanceledException)
        {
            // Fails closed; the key itself is never logged.
            Logger.LogWarning("KeyGrains could not verify a key: {ExceptionType}", e.GetType().Name);
            return AuthenticateResult.Fail("KeyGrains could not verify the key.");
        }

        if (!verification.Valid)
        {
            return AuthenticateResult.Fail(verification.Code);
        }

        var claims = new List<Claim>
        {
            new(KeyGrainsClaims.KeyId, verification.KeyId!),
            new(KeyGrainsClaims.OrgId, verification.OrgId!),
            new(ClaimTypes.NameIdentifier, verification.KeyId!),
        };
        if (verification.Name is { Length: > 0 } name)
        {
            claims.Add(new Claim(KeyGrainsClaims.Name, name));
        }

        foreach (var role in verification.Roles ?? [])
        {
            claims.Add(new Claim(ClaimTypes.Role, role));
        }

        foreach (var permission in verification.Permissions ?? [])
        {
            claims.Add(new Claim(KeyGrainsClaims.Permission, permission));
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name, KeyGrainsClaims.KeyId, ClaimTypes.Role));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = 401;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}
