using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace KeyGrains.Benchmarks;

public sealed record LoadFigures(double RequestsPerSecond, double P50Ms, double P99Ms, long Errors);

/// <summary>Runs Debian's wrk against a URL with the verify script and reads its figures.</summary>
public static partial class Wrk
{
    public static async Task<LoadFigures> RunAsync(string url, string path, string keysFile, TimeSpan duration, int threads, int connections, string method = "POST")
    {
        var info = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            "-t", threads.ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture),
            "-d", ((int)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s", "--latency", "--timeout", "10s",
            "-s", Path.Combine(AppContext.BaseDirectory, "verify.lua"), url,
        })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["BENCH_PATH"] = path;
        info.Environment["BENCH_KEYS"] = keysFile;
        info.Environment["BENCH_METHOD"] = method;
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return Parse(output);
    }

    public static LoadFigures Parse(string output)
    {
        var rps = double.Parse(Rps().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var errors = 0L;
        foreach (Match m in Non2xx().Matches(output))
        {
            errors += long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        foreach (Match m in SocketErrors().Matches(output))
        {
            errors += long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) + long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)
                + long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) + long.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture);
        }

        return new LoadFigures(rps, Percentile(output, "50"), Percentile(output, "99"), errors);
    }

    private static double Percentile(string output, string p)
    {
        var m = Regex.Match(output, @"^\s+" + p + @"(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        var value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex Rps();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex Non2xx();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();
}
