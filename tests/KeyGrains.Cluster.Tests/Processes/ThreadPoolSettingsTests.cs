using System.Text.Json.Nodes;

namespace KeyGrains.Cluster.Tests.Processes;

/// <summary>
/// The web API's thread pool keeps to one worker per core and grows only when queued work starves:
/// hill climbing is off in the runtime configuration the process starts with (the web API's project
/// file says why). An operator's <c>DOTNET_HillClimbing_Disable=0</c> still wins, as the runtime reads
/// the environment first.
/// </summary>
public sealed class ThreadPoolSettingsTests
{
    private const string HillClimbingOff = "System.Threading.ThreadPool.HillClimbing.Disable";

    [Fact]
    public void WebApi_StartsWithHillClimbingOff()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(Built.Dll("WebApi"), ".runtimeconfig.json")))!;
        var properties = config["runtimeOptions"]?["configProperties"]?.AsObject();
        Assert.NotNull(properties);
        Assert.True(properties.TryGetPropertyValue(HillClimbingOff, out var value), "the web API's runtime configuration does not set " + HillClimbingOff);
        Assert.True(value!.GetValue<bool>());
    }
}
