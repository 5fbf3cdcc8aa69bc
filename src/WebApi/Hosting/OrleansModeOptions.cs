namespace KeyGrains.WebApi.Hosting;

/// <summary>The web API's own <c>Orleans</c> settings; the node's are <see cref="KeyGrains.Hosting.KeyGrainsSiloOptions"/>.</summary>
public sealed class OrleansModeOptions
{
    public const string Section = "Orleans";

    public OrleansMode Mode { get; set; } = OrleansMode.CoHosted;

    /// <summary>In <see cref="OrleansMode.Client"/>, how many times (a second apart) to try reaching the cluster at start.</summary>
    public int ConnectAttempts { get; set; } = 5;
}
