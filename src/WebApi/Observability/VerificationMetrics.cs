using System.Diagnostics;
using System.Diagnostics.Metrics;
using KeyGrains.Hosting.Observability;

namespace KeyGrains.WebApi.Observability;

/// <summary>
/// The verification series: <c>keygrains_verifications_total{code}</c>,
/// <c>keygrains_verification_duration_seconds</c> and <c>keygrains_verification_cache_total{result}</c>.
/// Static, with every tag built once, because the hot path calls it on every request: a count is
/// one lock-free add into a slot OpenTelemetry found for the tag before, with nothing allocated.
/// </summary>
public static class VerificationMetrics
{
    private static readonly Meter Meter = new(Telemetry.MeterName);

    private static readonly Counter<long> Verifications = Meter.CreateCounter<long>(
        "keygrains.verifications", description: "Verifications answered, by their code.");

    // Buckets in seconds from 50 µs (an answer from the node's cache) to 10 s (the retry budget).
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "keygrains.verification.duration", "s", "Time from the verify handler's start to its answer.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    private static readonly Counter<long> Cache = Meter.CreateCounter<long>(
        "keygrains.verification.cache", description: "Verifications of a well-formed key answered from this node's cache (hit) or by the key's grain (miss).");

    // Indexed by VerifyCode; the label values are the contract's codes.
    private static readonly KeyValuePair<string, object?>[] Codes =
    [
        new("code", "VALID"), new("code", "NOT_FOUND"), new("code", "REVOKED"),
        new("code", "EXPIRED"), new("code", "IP_NOT_ALLOWED"), new("code", "INSUFFICIENT_PERMISSIONS"),
    ];

    private static readonly KeyValuePair<string, object?> Hit = new("result", "hit");
    private static readonly KeyValuePair<string, object?> Miss = new("result", "miss");

    /// <summary>A timestamp for <see cref="Answered"/>.</summary>
    public static long Start() => Stopwatch.GetTimestamp();

    public static void Answered(VerifyCode code, long started)
    {
        var index = (int)code;
        Verifications.Add(1, Codes[(uint)index < (uint)Codes.Length ? index : (int)VerifyCode.NotFound]);
        Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    public static void CacheHit() => Cache.Add(1, Hit);

    public static void CacheMiss() => Cache.Add(1, Miss);
}
