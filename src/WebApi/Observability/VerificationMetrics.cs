using System.Diagnostics;
using System.Diagnostics.Metrics;
using KeyGrains.Hosting.Observability;

namespace KeyGrains.WebApi.Observability;

/// <summary>
/// The verification series: <c>keygrains_verifications_total{code,endpoint}</c>,
/// <c>keygrains_verification_duration_seconds</c> and <c>keygrains_verification_cache_total{result}</c>.
/// The hot path calls this on every request, so a count is one interlocked add into a slot of the
/// current processor's stripe: no tag lookup and no shared cache line. The counters are observable:
/// a scrape sums the stripes. Only the duration is a histogram recorded per request, with no tags.
/// ASP.NET Core's own <c>http.server.request.duration</c> leaves both hot paths out
/// (<see cref="Verification.VerificationPath"/>): these series count them instead.
/// </summary>
public static class VerificationMetrics
{
    private static readonly Meter Meter = new(Telemetry.MeterName);

    // Buckets in seconds from 50 µs (an answer from the node's copy) to 10 s (the retry budget).
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "keygrains.verification.duration", "s", "Time from a verify or forward-auth handler's start to its answer.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    // Indexed by VerifyCode; the label values are the contract's codes.
    private static readonly string[] CodeNames = ["VALID", "NOT_FOUND", "REVOKED", "EXPIRED", "IP_NOT_ALLOWED", "INSUFFICIENT_PERMISSIONS"];
    private static readonly string[] EndpointNames = ["verify", "auth"];

    // One stripe per processor (modulo Stripes), each 16 longs (two cache lines): a slot per
    // endpoint and code, then the cache's hit and miss.
    private const int Stripes = 16;
    private const int Slots = 16;
    private const int HitSlot = 12;
    private const int MissSlot = 13;
    private static readonly long[] Counts = new long[Stripes * Slots];

    private static readonly KeyValuePair<string, object?>[][] CodeTags = [.. EndpointNames.SelectMany(e => CodeNames.Select(c =>
        new KeyValuePair<string, object?>[] { new("code", c), new("endpoint", e) }))];

    private static readonly KeyValuePair<string, object?>[] HitTags = [new("result", "hit")];
    private static readonly KeyValuePair<string, object?>[] MissTags = [new("result", "miss")];

    static VerificationMetrics()
    {
        Meter.CreateObservableCounter("keygrains.verifications", ObserveVerifications,
            description: "Verifications answered by POST /v1/keys/verify (endpoint=verify) and /v1/auth (endpoint=auth), by their code.");
        Meter.CreateObservableCounter("keygrains.verification.cache", ObserveCache,
            description: "Verifications of a well-formed key answered from this node's cache (hit) or by the key's grain (miss).");
    }

    /// <summary>A timestamp for <see cref="Answered"/>.</summary>
    public static long Start() => Stopwatch.GetTimestamp();

    public static void Answered(VerificationEndpoint endpoint, VerifyCode code, long started)
    {
        var index = (int)code;
        Count((int)endpoint * CodeNames.Length + ((uint)index < (uint)CodeNames.Length ? index : (int)VerifyCode.NotFound));
        Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    public static void CacheHit() => Count(HitSlot);

    public static void CacheMiss() => Count(MissSlot);

    private static void Count(int slot) =>
        Interlocked.Increment(ref Counts[(Thread.GetCurrentProcessorId() & (Stripes - 1)) * Slots + slot]);

    private static long Total(int slot)
    {
        var total = 0L;
        for (var stripe = 0; stripe < Stripes; stripe++)
        {
            total += Volatile.Read(ref Counts[stripe * Slots + slot]);
        }

        return total;
    }

    /// <summary>A series appears once it has counted something, as a per-request counter's would.</summary>
    private static IEnumerable<Measurement<long>> ObserveVerifications()
    {
        for (var slot = 0; slot < CodeTags.Length; slot++)
        {
            if (Total(slot) is var total and > 0)
            {
                yield return new Measurement<long>(total, CodeTags[slot]);
            }
        }
    }

    private static IEnumerable<Measurement<long>> ObserveCache()
    {
        if (Total(HitSlot) is var hits and > 0)
        {
            yield return new Measurement<long>(hits, HitTags);
        }

        if (Total(MissSlot) is var misses and > 0)
        {
            yield return new Measurement<long>(misses, MissTags);
        }
    }
}

/// <summary>The <c>endpoint</c> label of <c>keygrains_verifications_total</c>.</summary>
public enum VerificationEndpoint
{
    Verify = 0,
    Auth = 1,
}
