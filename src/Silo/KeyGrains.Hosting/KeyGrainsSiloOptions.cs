namespace KeyGrains.Hosting;

/// <summary>
/// The settings that decide what a KeyGrains node registers (storage, clustering, identity, ports),
/// bound from the configuration root so each property path is the setting's name
/// (<c>Storage:Provider</c>, <c>ConnectionStrings:Postgres</c>, <c>Orleans:SiloPort</c>). They are
/// read while composing, through <see cref="KeyGrainsSiloOptionsValidator"/>, and registered for
/// the rest of the process.
/// </summary>
public sealed class KeyGrainsSiloOptions
{
    public StorageOptions Storage { get; set; } = new();

    public ClusteringOptions Clustering { get; set; } = new();

    public ConnectionStringsOptions ConnectionStrings { get; set; } = new();

    public OrleansNodeOptions Orleans { get; set; } = new();
}
