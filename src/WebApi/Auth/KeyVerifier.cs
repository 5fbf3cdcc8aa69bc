using System.Net;
using Microsoft.Extensions.Options;

namespace KeyGrains.WebApi.Auth;

/// <summary>
/// The one road to a key's grain, for the verify endpoint and for API keys on the admin API:
/// the presented string is checked for shape and checksum first, so a malformed key never costs a
/// grain call, and the read-only call is retried within <see cref="VerificationOptions.RetryBudget"/>
/// before an infrastructure failure surfaces (as 503).
/// </summary>
public sealed class KeyVerifier(
    IGrainFactory grains,
    IOptions<VerificationOptions> options,
    TimeProvider time,
    ILogger<KeyVerifier> log,
    KeyGrains.Keys.ActiveKeys? activeKeys = null)
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(500);

    private readonly TimeSpan _budget = options.Value.RetryBudget;

    public async ValueTask<VerifyResult> VerifyAsync(string key, IPAddress? ip, string[]? permissions)
    {
        if (!ApiKeyFormat.TryParse(key, out var keyId))
        {
            return VerifyResult.NotFound;
        }

        // Co-hosted, the key's grain usually lives in this process: its own cache entry answers,
        // exactly as the grain would (the grain replaces it before any change returns).
        if (activeKeys is not null && activeKeys.TryVerify(keyId, key, ip, permissions, out var cached))
        {
            return cached;
        }

        var grain = grains.GetGrain<IApiKeyGrain>(keyId.ToString());
        var request = new VerifyRequest(key, ip, permissions);
        var started = time.GetTimestamp();
        var pause = FirstPause;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var call = grain.Verify(request);
                if (call.IsCompletedSuccessfully)
                {
                    return call.Result;
                }

                // An attempt never outlives the budget: a call stuck on a silo that vanished
                // without a reset would otherwise wait the whole Orleans response timeout.
                var remaining = _budget - time.GetElapsedTime(started);
                return remaining > TimeSpan.Zero ? await call.AsTask().WaitAsync(remaining, time) : await call;
            }
            catch (Exception e) when (InfrastructureFailure.Is(e) && time.GetElapsedTime(started) + pause < _budget)
            {
                // Safe to repeat: Verify is read-only, and only an answer from the grain becomes a
                // code, so a failure can delay or refuse (503) but never change the answer. A
                // SIGKILLed silo's keys answer from another silo within a few seconds. The key
                // itself is never logged.
                log.LogDebug("Verification attempt {Attempt} failed with {ExceptionType}; retrying", attempt, e.GetType().Name);
                await Task.Delay(pause, time);
                pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
            }
        }
    }

    public static IServiceCollection AddKeyVerifier(IServiceCollection services)
    {
        services.AddOptions<VerificationOptions>()
            .BindConfiguration(VerificationOptions.SectionName)
            .Validate(o => o.RetryBudget >= TimeSpan.Zero && o.RetryBudget <= TimeSpan.FromMinutes(1),
                "Verification:RetryBudget must be between 00:00:00 and 00:01:00.")
            .ValidateOnStart();
        return services.AddSingleton<KeyVerifier>();
    }
}

/// <summary><c>Verification</c> settings of the web API.</summary>
public sealed class VerificationOptions
{
    public const string SectionName = "Verification";

    /// <summary>
    /// How long one verification may keep retrying infrastructure failures before it answers 503.
    /// Covers a silo's death being noticed and its keys re-activated elsewhere (1.5-3 s measured
    /// with the cluster tuning, more for a host that vanishes without a connection reset), with
    /// room for a loaded machine; a 0 budget means one attempt.
    /// </summary>
    public TimeSpan RetryBudget { get; set; } = TimeSpan.FromSeconds(10);
}
