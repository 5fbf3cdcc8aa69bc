using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using KeyGrains.Testing;

namespace KeyGrains.Cluster.Tests.Processes;

/// <summary>
/// The web API started from a folder other than its own, as a service manager or a test starts it:
/// it must still read its own <c>appsettings.json</c> (it once did not, and logged every request at
/// Information, which halved verification throughput in every process benchmark), while a relative
/// <c>Storage:SqlitePath</c> still means a file under the working directory.
/// </summary>
public sealed class WorkingDirectoryTests
{
    [Fact]
    public async Task WebApi_StartedElsewhere_ReadsItsOwnSettings_AndKeepsRelativePathsUnderTheWorkingDirectory()
    {
        var work = Directory.CreateTempSubdirectory("keygrains-cwd-").FullName;
        var url = "http://127.0.0.1:" + NodeProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        await using var node = WebApiProcess.Start(["--urls", url], work);
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        await WebApiProcess.WaitReadyAsync(http, node);
        for (var i = 0; i < 20; i++)
        {
            var answer = await http.PostAsJsonAsync("/v1/keys/verify", new { key = "kg_not-a-key" });
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        await node.StopAsync(TimeSpan.FromSeconds(10));
        var log = await File.ReadAllTextAsync(node.LogPath);

        // appsettings.json puts Orleans at Warning and hosting's request lines off: neither may show.
        Assert.DoesNotContain("Request starting", log);
        Assert.DoesNotContain("info: Orleans", log);
        Assert.True(File.Exists(Path.Combine(work, "data", "relative.db")), "the SQLite file is under the working directory");
    }
}
