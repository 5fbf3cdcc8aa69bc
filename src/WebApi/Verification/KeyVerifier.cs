using System.Net;
using KeyGrains.Keys;
using KeyGrains.Replicas;
using Microsoft.Extensions.Options;

namespace KeyGrains.WebApi.Verification;

/// <summary>
/// The one road from a presented key to its answer, for the verify endpoint and for API keys on the
/// admin API: the presented string is checked for shape first and for its tag before any grain
/// call, so a malformed or forged key never costs one; this node's copy of the key (<see cref="NodeReplicas"/>) answers while
/// the node's lease runs; otherwise a copy is fetched from the key's grain and answers, and that
/// read-only call is retried within <see cref="VerificationOptions.RetryBudget"/> before an
/// infrastructure failure surfaces (as 503).
/// </summary>
public sealed class KeyVerifier(
    IGrainFactory grains,
    NodeReplicas replicas,
    KeyTagSource keyTags,
    IOptions<VerificationOptions> options,
    TimeProvider time,
    ILogger<KeyVerifier> log)
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(500);

    private readonly TimeSpan _budget = options.Value.RetryBudget;

    public async ValueTask<VerifyResult> VerifyAsync(string key, IPAddress? ip, string[]? permissions)
    {
        if (!ApiKeyFormat.TryReadId(key, out var keyId))
        {
            return VerifyResult.NotFound;
        }

        // A copy is only ever taken for a key id whose tag was checked below, and the copy compares
        // the whole key's hash: a forged key with a held id is refused there, with the same answer,
        // so the tag's HMAC (a third of the work of a hit) is only spent on the way to a grain.
        if (replicas.TryVerify(keyId, key, ip, permissions, out var cached))
        {
            Observability.VerificationMetrics.CacheHit();
            return cached;
        }

        // A malformed or forged key is refused here: its tag is wrong, and no grain is asked.
        var tagger = keyTags.Current ?? await keyTags.GetAsync(grains);
        if (!tagger.TryParse(key, out keyId))
        {
            return VerifyResult.NotFound;
        }

        Observability.VerificationMetrics.CacheMiss();

        var id = keyId.ToString();
        var started = time.GetTimestamp();
        var pause = FirstPause;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var call = replicas.FetchAndVerifyAsync(id, key, ip, permissions);
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
                // Safe to repeat: fetching a copy is read-only, and only a copy the node accepts
                // becomes a code, so a failure (or a stale copy refused) can delay or refuse (503)
                // but never change the answer. A SIGKILLed silo's keys answer from another silo
                // within a few seconds. The key itself is never logged.
                log.LogDebug("Verification attempt {Attempt} failed with {ExceptionType}; retrying", attempt, e.GetType().Name);
                await Task.Delay(pause, time);
                pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
            }
        }
    }
}
