using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace KeyGrains.Cluster.Tests.Processes;

/// <summary>A presented key and the code it must always get.</summary>
public sealed record KnownKey(string Key, string Expected);

public enum Outcome { Correct, Wrong, Unavailable, OtherError }

public sealed record Sample(int KeyIndex, long Started, long Ended, Outcome Outcome, string What)
{
    public TimeSpan Duration => Stopwatch.GetElapsedTime(Started, Ended);
}

/// <summary>
/// A few concurrent loops verifying known keys round-robin through the web API at a steady pace;
/// each loop stops after a fixed time or a fixed number of requests, whichever comes first.
/// </summary>
public sealed class VerificationLoad(HttpClient http, IReadOnlyList<KnownKey> keys)
{
    public async Task<IReadOnlyList<Sample>> RunAsync(int loops, int perLoopPerSecond, TimeSpan duration)
    {
        var start = Stopwatch.GetTimestamp();
        var maxPerLoop = (int)(perLoopPerSecond * duration.TotalSeconds);
        var results = await Task.WhenAll(Enumerable.Range(0, loops).Select(loop => Task.Run(async () =>
        {
            var samples = new List<Sample>(maxPerLoop);
            var index = loop * keys.Count / loops;
            while (samples.Count < maxPerLoop && Stopwatch.GetElapsedTime(start) < duration)
            {
                var keyIndex = index++ % keys.Count;
                samples.Add(await VerifyAsync(keyIndex));

                // Paced, not flat out: a steady load leaves the two cores to the cluster under test.
                var ahead = TimeSpan.FromSeconds((double)samples.Count / perLoopPerSecond) - Stopwatch.GetElapsedTime(start);
                if (ahead > TimeSpan.FromMilliseconds(2))
                {
                    await Task.Delay(ahead);
                }
            }

            return samples;
        })));
        return [.. results.SelectMany(s => s).OrderBy(s => s.Started)];
    }

    public async Task<Sample> VerifyAsync(int keyIndex)
    {
        var known = keys[keyIndex];
        var started = Stopwatch.GetTimestamp();
        Outcome outcome;
        string what;
        try
        {
            using var response = await http.PostAsJsonAsync("/v1/keys/verify", new { key = known.Key });
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                what = body.RootElement.GetProperty("code").GetString()!;
                outcome = what == known.Expected ? Outcome.Correct : Outcome.Wrong;
            }
            else
            {
                what = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                outcome = response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is not null
                    ? Outcome.Unavailable
                    : Outcome.OtherError;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            (outcome, what) = (Outcome.OtherError, e.GetType().Name);
        }

        return new Sample(keyIndex, started, Stopwatch.GetTimestamp(), outcome, what);
    }
}

/// <summary>What one failover did to the load, measured from the moment of the fault.</summary>
public sealed record FailoverFigures(
    string Fault,
    int Requests,
    int Correct,
    int Wrong,
    IReadOnlyDictionary<string, int> Errors,
    TimeSpan Longest,
    int SlowerThanOneSecond,
    TimeSpan AllKeysAnsweredAgain,
    TimeSpan LastSlowAnswerEnded)
{
    public double CorrectShare => Requests == 0 ? 0 : (double)Correct / Requests;

    public static FailoverFigures From(string fault, IReadOnlyList<Sample> samples, int keyCount, long faultAt)
    {
        // For every key, the first correct answer to a request sent after the fault.
        var recovered = new TimeSpan[keyCount];
        Array.Fill(recovered, TimeSpan.MaxValue);
        foreach (var s in samples.Where(s => s.Started >= faultAt && s.Outcome == Outcome.Correct))
        {
            var at = Stopwatch.GetElapsedTime(faultAt, s.Ended);
            if (at < recovered[s.KeyIndex])
            {
                recovered[s.KeyIndex] = at;
            }
        }

        var slow = samples.Where(s => s.Duration > TimeSpan.FromSeconds(1) || s.Outcome != Outcome.Correct).ToList();
        return new FailoverFigures(
            fault,
            samples.Count,
            samples.Count(s => s.Outcome == Outcome.Correct),
            samples.Count(s => s.Outcome == Outcome.Wrong),
            samples.Where(s => s.Outcome is Outcome.Unavailable or Outcome.OtherError)
                .GroupBy(s => s.What).ToDictionary(g => g.Key, g => g.Count()),
            samples.Count == 0 ? TimeSpan.Zero : samples.Max(s => s.Duration),
            samples.Count(s => s.Duration > TimeSpan.FromSeconds(1)),
            recovered.Max(),
            slow.Count == 0 ? TimeSpan.Zero : slow.Max(s => s.Ended > faultAt ? Stopwatch.GetElapsedTime(faultAt, s.Ended) : TimeSpan.Zero));
    }

    public override string ToString() =>
        $"{Fault}: {Requests} verifications, {Correct} correct ({CorrectShare:P3}), {Wrong} wrong, " +
        $"errors [{string.Join(", ", Errors.Select(e => $"{e.Key} x{e.Value}"))}], longest answer {Longest.TotalMilliseconds:F0} ms, " +
        $"{SlowerThanOneSecond} slower than 1 s; every key answered correctly again {Seconds(AllKeysAnsweredAgain)} after the fault, " +
        $"the last slow or failed answer ended {Seconds(LastSlowAnswerEnded)} after it";

    private static string Seconds(TimeSpan t) => t == TimeSpan.MaxValue ? "never" : $"{t.TotalSeconds:F2} s";
}
