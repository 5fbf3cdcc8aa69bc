using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace KeyGrains.Regions.Tests;

/// <summary>
/// Three regions from <c>deploy/regions.sh up 3</c>, driven as a process: a is the primary, b and c
/// replicas; c serves past its staleness bound (<c>Regions:StalePolicy=Serve</c>), b fails closed.
/// </summary>
public sealed class Regions : IAsyncLifetime
{
    public static readonly TimeSpan MaxStaleness = TimeSpan.FromSeconds(2);

    private static readonly string Root = FindRoot();

    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "kg-regions-tests-" + Guid.NewGuid().ToString("N")[..8]);

    public string OperatorToken { get; private set; } = "";

    public Dictionary<string, HttpClient> Clients { get; } = [];

    public HttpClient this[string region] => Clients[region];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Dir);
        await File.WriteAllTextAsync(Path.Combine(Dir, "c.env"), "export Regions__StalePolicy=Serve\n");
        await RunAsync("up", "3");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Dir, "regions.json")));
        OperatorToken = json.RootElement.GetProperty("operatorToken").GetString()!;
        foreach (var region in json.RootElement.GetProperty("regions").EnumerateArray())
        {
            var client = new HttpClient { BaseAddress = new Uri(region.GetProperty("url").GetString()!) };
            client.DefaultRequestHeaders.Authorization = new("Bearer", OperatorToken);
            Clients[region.GetProperty("name").GetString()!] = client;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var client in Clients.Values)
        {
            client.Dispose();
        }

        await RunAsync("down");
    }

    /// <summary>Runs deploy/regions.sh; a failure fails the test with the script's output.</summary>
    public async Task<string> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(Root, "deploy", "regions.sh"), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["KG_REGIONS_DIR"] = Dir;
        start.Environment["Regions__MaxStaleness"] = MaxStaleness.ToString();
        // Last use reported each second, not each minute, so a test can wait for it.
        start.Environment["Authority__LastUseReportPeriod"] = "00:00:01";
        // Ports of their own, so a developer's `regions.sh up` beside the tests keeps running.
        start.Environment["KG_REGIONS_PG_PORT"] = "55460";
        start.Environment["KG_REGIONS_HTTP_PORT"] = "5200";
        start.Environment["KG_REGIONS_SILO_PORT"] = "11320";
        start.Environment["KG_REGIONS_GATEWAY_PORT"] = "30320";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"regions.sh {string.Join(' ', arguments)} failed: {await output}{await error}");
        return await output;
    }

    /// <summary>A key in a fresh organization of the primary, as (id, secret).</summary>
    public async Task<(string Org, string Id, string Key)> NewKeyAsync(string region = "a", string? org = null)
    {
        org ??= "org-" + Guid.NewGuid().ToString("N")[..10];
        (await this[region].PostAsJsonAsync("/v1/orgs", new { id = org, name = org })).EnsureSuccessStatusCode();
        var (id, key) = await CreateKeyAsync(region, org);
        return (org, id, key);
    }

    public async Task<(string Id, string Key)> CreateKeyAsync(string region, string org)
    {
        var created = await this[region].PostAsJsonAsync($"/v1/orgs/{org}/keys", new { roles = new[] { "viewer" } });
        created.EnsureSuccessStatusCode();
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("id").GetString()!, body.GetProperty("key").GetString()!);
    }

    public async Task<(int Status, string? Code)> VerifyAsync(string region, string key)
    {
        using var answer = await this[region].PostAsJsonAsync("/v1/keys/verify", new { key });
        var body = await answer.Content.ReadFromJsonAsync<JsonElement>();
        return ((int)answer.StatusCode, body.TryGetProperty("code", out var code) ? code.GetString() : null);
    }

    /// <summary>How long until <paramref name="region"/> answers <paramref name="code"/> for the key, polling; null past <paramref name="limit"/>.</summary>
    public async Task<TimeSpan?> TimeUntilAsync(string region, string key, string code, TimeSpan limit, long since)
    {
        while (Stopwatch.GetElapsedTime(since) < limit)
        {
            if ((await VerifyAsync(region, key)).Code == code)
            {
                return Stopwatch.GetElapsedTime(since);
            }

            await Task.Delay(10);
        }

        return null;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KeyGrains.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("KeyGrains.sln not found above " + AppContext.BaseDirectory);
    }
}
