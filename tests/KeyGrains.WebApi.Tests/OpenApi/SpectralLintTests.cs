using System.Diagnostics;

namespace KeyGrains.WebApi.Tests.OpenApi;

/// <summary>
/// The published document passes Stoplight Spectral's <c>spectral:oas</c> rules with nothing to
/// report (deploy/openapi/.spectral.yaml). Spectral comes from npm into a cache folder, the first
/// time only (deploy/prepare-tests.d/spectral.sh does the same ahead of the run).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class SpectralLintTests(ApiFixture fixture)
{
    private const string Version = "6.16.3";

    [Fact]
    public async Task PublishedDocument_HasNoSpectralErrorsNorWarnings()
    {
        var spectral = await InstallAsync();
        var document = Path.Combine(Path.GetTempPath(), $"keygrains-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(document, await fixture.Host.Anonymous.GetStringAsync(OpenApiContract.DocumentPath));
        try
        {
            var ruleset = Path.Combine(AppContext.BaseDirectory, "OpenApi", ".spectral.yaml");
            var (exit, output) = await RunAsync(spectral, "lint", "--ruleset", ruleset, "--fail-severity", "hint", "--format", "text", document);
            Assert.True(exit == 0, $"spectral found problems:\n{output}");
        }
        finally
        {
            File.Delete(document);
        }
    }

    private static async Task<string> InstallAsync()
    {
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        var folder = Path.Combine(cache, "keygrains", $"spectral-{Version}");
        var spectral = Path.Combine(folder, "node_modules", ".bin", "spectral");
        if (!File.Exists(spectral))
        {
            Directory.CreateDirectory(folder);
            var (exit, output) = await RunAsync("npm", "install", "--prefix", folder, "--no-audit", "--no-fund", "--loglevel=error", $"@stoplight/spectral-cli@{Version}");
            Assert.True(exit == 0, $"npm could not install Spectral:\n{output}");
        }

        return spectral;
    }

    private static async Task<(int Exit, string Output)> RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
