using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace KeyGrains.Benchmarks;

/// <summary>
/// <c>regions [seconds]</c>: verification throughput in a replica region against the primary's, in
/// one run, on regions already started by <c>deploy/regions.sh up</c> (read from its regions.json).
/// The same 10 keys are verified in both, primary and replica taking turns twice so drift in the
/// shared machine falls on both. The issue asks for a replica at >= 0.85x the primary.
/// </summary>
public static class RegionsSuite
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        var dir = Environment.GetEnvironmentVariable("KG_REGIONS_DIR") ?? "/tmp/keygrains-regions";
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "regions.json")));
        var regions = json.RootElement.GetProperty("regions").EnumerateArray().ToArray();
        var primary = regions.Single(r => r.GetProperty("primary").GetBoolean()).GetProperty("url").GetString()!;
        var replica = regions.First(r => !r.GetProperty("primary").GetBoolean()).GetProperty("url").GetString()!;
        using var http = new HttpClient { BaseAddress = new Uri(primary) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", json.RootElement.GetProperty("operatorToken").GetString());

        var org = "bench-" + Guid.NewGuid().ToString("N")[..8];
        (await http.PostAsJsonAsync("/v1/orgs", new { id = org, name = org })).EnsureSuccessStatusCode();
        var keys = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            var created = await http.PostAsJsonAsync($"/v1/orgs/{org}/keys", new { roles = new[] { "viewer" } });
            keys.Add((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!);
        }

        var keysFile = Path.GetTempFileName();
        await File.WriteAllLinesAsync(keysFile, keys);
        await Task.Delay(TimeSpan.FromSeconds(1)); // the replica's copy, and a warm-up of both below
        double primaryRps = 0, replicaRps = 0;
        foreach (var (url, first) in new[] { (primary, true), (replica, false), (primary, true), (replica, false) })
        {
            var figures = await Wrk.RunAsync(url, "/v1/keys/verify", keysFile, TimeSpan.FromSeconds(seconds), 2, 32);
            Console.WriteLine($"{(first ? "primary" : "replica")} {url}: {figures.RequestsPerSecond:F0} req/s, p50 {figures.P50Ms:F2} ms, p99 {figures.P99Ms:F2} ms, errors {figures.Errors}");
            if (first) primaryRps += figures.RequestsPerSecond; else replicaRps += figures.RequestsPerSecond;
        }

        Console.WriteLine($"replica / primary = {replicaRps / primaryRps:F2} (needs >= 0.85)");
        File.Delete(keysFile);
        return replicaRps / primaryRps >= 0.85 ? 0 : 1;
    }
}
