using System.Globalization;
using System.Text;
using System.Text.Json;

namespace KeyGrains.Benchmarks;

/// <summary>The figures of one run, as the table in docs/benchmarks.md and as JSON beside it.</summary>
public sealed class Report(int rounds, int seconds, int connections, int threads)
{
    private readonly List<LoadRow> _load = [];
    private readonly List<LatencyRow> _latency = [];
    private readonly List<ScaleFigures> _scale = [];

    public sealed record LoadRow(string Scenario, double RequestsPerSecond, double P50Ms, double P99Ms, double? Ratio, string? Baseline, double? P99Ratio, long Errors);

    public sealed record LatencyRow(string Scenario, int Requests, double P50Ms, double P99Ms, double MaxMs);

    /// <summary>Medians of the rounds; the ratio is the median of the per-round ratios to the baseline.</summary>
    public void Add(string scenario, List<LoadFigures> side, List<LoadFigures>? baseline, string? baselineName)
    {
        double? ratio = baseline is null ? null : Median(side.Select((f, i) => f.RequestsPerSecond / baseline[i].RequestsPerSecond));
        double? p99Ratio = baseline is null ? null : Median(side.Select((f, i) => f.P99Ms / baseline[i].P99Ms));
        _load.Add(new LoadRow(scenario, Median(side.Select(f => f.RequestsPerSecond)), Median(side.Select(f => f.P50Ms)),
            Median(side.Select(f => f.P99Ms)), ratio, baselineName, p99Ratio, side.Sum(f => f.Errors)));
    }

    public void AddLatency(string scenario, double[] sorted) =>
        _latency.Add(new LatencyRow(scenario, sorted.Length, sorted[sorted.Length / 2], sorted[sorted.Length * 99 / 100], sorted[^1]));

    public void AddScale(ScaleFigures figures) => _scale.Add(figures);

    public string ToJson() => JsonSerializer.Serialize(new
    {
        date = DateTimeOffset.UtcNow,
        machine = Machine(),
        rounds,
        secondsPerRound = seconds,
        connections,
        threads,
        load = _load,
        latency = _latency,
        scale = _scale,
    }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase });

    public string ToMarkdown()
    {
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("# Benchmarks").AppendLine();
        md.AppendLine(c, $"Measured {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {Machine()}, by `tests/KeyGrains.Benchmarks/run-http.sh`.");
        md.AppendLine(c, $"Load: wrk, {threads} threads, {connections} connections, {seconds} s per round, {rounds} rounds per side after one warm-up each;");
        md.AppendLine("the sides of a comparison alternate round by round, every figure is the median of the rounds, and a ratio is the");
        md.AppendLine("median of the per-round ratios. The load generator runs on the same 2 cores as the server, so absolute figures are");
        md.AppendLine("low and noisy; the ratios are the result.").AppendLine();
        md.AppendLine("| scenario | requests/s | p50 ms | p99 ms | throughput ratio | p99 ratio | baseline | errors |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |");
        foreach (var r in _load)
        {
            md.AppendLine(c, $"| {r.Scenario} | {r.RequestsPerSecond:N0} | {r.P50Ms:F2} | {r.P99Ms:F2} | {Ratio(r.Ratio)} | {Ratio(r.P99Ratio)} | {r.Baseline ?? "—"} | {r.Errors} |");
        }

        md.AppendLine().AppendLine("| latency scenario | requests | p50 ms | p99 ms | max ms |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var r in _latency)
        {
            md.AppendLine(c, $"| {r.Scenario} | {r.Requests:N0} | {r.P50Ms:F2} | {r.P99Ms:F2} | {r.MaxMs:F2} |");
        }

        if (_scale.Count > 0)
        {
            md.AppendLine().AppendLine("Scale of the key set: N key grains active in one silo, in-process grain verification of random keys");
            md.AppendLine("(20,000 samples, one at a time), GC heap per active key after a forced full collection.").AppendLine();
            md.AppendLine("| active keys | p50 µs | p99 µs | p50 vs the smallest set | GC heap per key | of which an empty Orleans activation | load time s |");
            md.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var s in _scale)
            {
                md.AppendLine(c, $"| {s.ActiveKeys:N0} | {s.P50Us:F1} | {s.P99Us:F1} | {s.P50Us / _scale[0].P50Us:F2}× | {s.HeapBytesPerKey / 1024:F2} KB | {s.FloorBytesPerActivation / 1024:F2} KB | {s.SecondsToLoad:F1} |");
            }
        }

        return md.ToString();
    }

    private static string Ratio(double? ratio) => ratio is { } r ? r.ToString("F2", CultureInfo.InvariantCulture) + "×" : "—";

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Machine()
    {
        var memory = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal", StringComparison.Ordinal));
        var kb = long.Parse(memory.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores, {kb / 1024.0 / 1024:F0} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
    }
}
