using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace KeyGrains.Benchmarks;

/// <summary>What the HTTP suite asks of a running service: seed keys, check they verify, time cold keys.</summary>
public static class BenchmarkClient
{
    /// <summary>Organizations of 100 keys each (role viewer, no rules), created through the API.</summary>
    public static async Task<List<string>> SeedAsync(string url, int count, int parallel = 4)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", HttpSuite.Token);
        var orgs = (count + 99) / 100;
        var keys = new List<string>(count);
        var clock = Stopwatch.StartNew();
        await Parallel.ForAsync(0, orgs, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (o, _) =>
        {
            var org = "bench-" + o.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6];
            (await http.PostAsJsonAsync("/v1/orgs", new { id = org, name = org, keyLimit = 1000 })).EnsureSuccessStatusCode();
            for (var k = 0; k < Math.Min(100, count - o * 100); k++)
            {
                var response = await http.PostAsJsonAsync($"/v1/orgs/{org}/keys", new { name = "bench", roles = new[] { "viewer" } });
                response.EnsureSuccessStatusCode();
                var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                lock (keys)
                {
                    keys.Add(body.GetProperty("key").GetString()!);
                }
            }
        });
        Console.WriteLine($"Seeded {keys.Count:N0} keys through {url} in {clock.Elapsed.TotalSeconds:F1} s.");
        return keys;
    }

    public static async Task EnsureValidAsync(string url, List<string> keys)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        foreach (var key in new[] { keys[0], keys[^1] })
        {
            var answer = await (await http.PostAsJsonAsync("/v1/keys/verify", new { key, ip = "127.0.0.1", permissions = new[] { "clusters:read" } })).Content.ReadFromJsonAsync<JsonElement>();
            if (answer.GetProperty("code").GetString() != "VALID")
            {
                throw new InvalidOperationException("A seeded key does not verify: " + answer);
            }
        }
    }

    /// <summary>The node's <c>keygrains_verification_cache_total{result="miss"}</c>: verifications it answered without its copy.</summary>
    public static async Task<double> CacheMissesAsync(string url)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        return Sum(await http.GetStringAsync("/metrics"), "keygrains_verification_cache_total", "result=\"miss\"");
    }

    /// <summary>Verifies every key once, 16 at a time, so the node holds a copy of each before anything is measured.</summary>
    public static async Task WarmAsync(string url, List<string> keys)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (key, _) =>
        {
            using var response = await http.PostAsJsonAsync("/v1/keys/verify", new { key });
            response.EnsureSuccessStatusCode();
        });
        Console.WriteLine($"Warmed {keys.Count:N0} keys on {url} in {clock.Elapsed.TotalSeconds:F1} s.");
    }

    /// <summary>
    /// Waits until the node is in the state a gateway sees once a key set has been in use a while, or
    /// <paramref name="limit"/> passes: its idle key grains collected (at most 100 active, by
    /// <c>orleans_catalog_activations{grain_type="apikey"}</c>), and the warm-up's grain addresses
    /// gone from Orleans' directory cache (<c>orleans_directory_cache_size</c> under a tenth of
    /// <paramref name="keys"/>, or 2,000). Orleans keeps an address up to 4 minutes, and counts the
    /// cache by walking it on every metrics collection (the dashboard's, every second): with 100,000
    /// fresh addresses that walk was 4 % of the node's CPU under load.
    /// </summary>
    public static async Task SettleAsync(string url, int keys, TimeSpan limit)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        var clock = Stopwatch.StartNew();
        var addresses = Math.Max(keys / 10, 2_000);
        double active, cached;
        while (true)
        {
            var metrics = await http.GetStringAsync("/metrics");
            active = Sum(metrics, "orleans_catalog_activations", "grain_type=\"apikey\"");
            cached = Sum(metrics, "orleans_directory_cache_size", "");
            if ((active <= 100 && cached <= addresses) || clock.Elapsed >= limit)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(5));
        }

        Console.WriteLine($"{active:F0} key grains active and {cached:F0} addresses cached on {url} after {clock.Elapsed.TotalSeconds:F0} s of waiting.");
    }

    /// <summary>The sum of a Prometheus series over the label sets that include <paramref name="label"/>.</summary>
    private static double Sum(string metrics, string series, string label) =>
        metrics.Split('\n')
            .Where(l => l.StartsWith(series + "{", StringComparison.Ordinal) && l.Contains(label, StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.IndexOf("} ", StringComparison.Ordinal) + 2)..].Split(' ')[0], CultureInfo.InvariantCulture));

    public static async Task WaitPostAsync(string url, string key)
    {
        using var http = new HttpClient();
        for (var i = 0; i < 100; i++)
        {
            try
            {
                var answer = await (await http.PostAsJsonAsync(url, new { key })).Content.ReadFromJsonAsync<JsonElement>();
                if (answer.GetProperty("code").GetString() == "VALID")
                {
                    return;
                }

                throw new InvalidOperationException("The PostgreSQL verifier does not verify a seeded key: " + answer);
            }
            catch (HttpRequestException)
            {
                await Task.Delay(200);
            }
        }
    }

    /// <summary>Each key once, one request at a time on one connection: the latency of each.</summary>
    public static async Task<double[]> SequentialAsync(string url, List<string> keys)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        var latencies = new double[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await http.PostAsJsonAsync("/v1/keys/verify", new { key = keys[i] });
            var body = await response.Content.ReadAsStringAsync();
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (!body.Contains("\"VALID\"", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("A cold key did not verify: " + body);
            }
        }

        Array.Sort(latencies);
        return latencies;
    }
}
