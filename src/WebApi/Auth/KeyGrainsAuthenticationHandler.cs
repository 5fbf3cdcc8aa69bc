using System.Text.Encodings.Web;
using KeyGrains.WebApi.Verification;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace KeyGrains.WebApi.Auth;

/// <summary>
/// <c>Authorization: Bearer</c> (operator token or API key) and <c>X-API-Key</c>. An API key is
/// checked exactly as verification would, with the connection's address as the ip.
/// </summary>
public sealed class KeyGrainsAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    OperatorCredential operatorCredential,
    KeyVerifier verifier)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string ApiKeyHeader = "X-API-Key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? bearer = null;
        var authorization = Request.Headers.Authorization;
        if (authorization.Count > 0)
        {
            var value = authorization.ToString();
            if (authorization.Count > 1 || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return AuthenticateResult.Fail("The Authorization header is not a single bearer credential.");
            }

            bearer = value[7..].Trim();
        }

        var apiKeys = Request.Headers[ApiKeyHeader];
        if (apiKeys.Count > 1)
        {
            return AuthenticateResult.Fail("More than one X-API-Key header.");
        }

        string? apiKey = apiKeys.Count == 1 ? apiKeys.ToString().Trim() : null;

        // Two different credentials in one request: refuse rather than guess which one is meant.
        if (bearer is not null && apiKey is not null && !string.Equals(bearer, apiKey, StringComparison.Ordinal))
        {
            return AuthenticateResult.Fail("Two different credentials were presented.");
        }

        var credential = bearer ?? apiKey;
        if (credential is null)
        {
            return AuthenticateResult.NoResult();
        }

        if (bearer is not null && apiKey is null && !credential.StartsWith(ApiKeyFormat.Prefix, StringComparison.Ordinal))
        {
            return operatorCredential.Matches(credential)
                ? Success(Principals.Operator())
                : AuthenticateResult.Fail("The credential is not valid.");
        }

        var result = await verifier.VerifyAsync(credential, Context.PeerAddress(), null);
        return result.IsValid
            ? Success(Principals.Key(result))
            : AuthenticateResult.Fail("The credential is not valid.");
    }

    private AuthenticateResult Success(System.Security.Claims.ClaimsPrincipal principal) =>
        AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
}
