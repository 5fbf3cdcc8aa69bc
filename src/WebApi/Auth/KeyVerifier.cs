using System.Net;
using KeyGrains.WebApi.Http;

namespace KeyGrains.WebApi.Auth;

/// <summary>
/// The one road to a key's grain, for the verify endpoint and for API keys on the admin API:
/// the presented string is checked for shape and checksum first, so a malformed key never costs a
/// grain call, and the read-only call is retried a few times before infrastructure failure surfaces.
/// </summary>
public sealed class KeyVerifier(IGrainFactory grains, ILogger<KeyVerifier> log)
{
    private const int MaxAttempts = 3;

    public async ValueTask<VerifyResult> VerifyAsync(string key, IPAddress? ip, string[]? permissions)
    {
        if (!ApiKeyFormat.TryParse(key, out var keyId))
        {
            return VerifyResult.NotFound;
        }

        var grain = grains.GetGrain<IApiKeyGrain>(keyId.ToString());
        var request = new VerifyRequest(key, ip is null ? null : Validation.Normalize(ip), permissions);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await grain.Verify(request);
            }
            catch (Exception e) when (attempt < MaxAttempts && Transient.IsInfrastructure(e))
            {
                // Safe to repeat: Verify is read-only. The key itself is never logged.
                log.LogDebug("Verification attempt {Attempt} failed with {ExceptionType}; retrying", attempt, e.GetType().Name);
                await Task.Delay(50 * attempt);
            }
        }
    }
}
