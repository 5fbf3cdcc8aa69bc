namespace KeyGrains.Hosting;

/// <summary><c>Clustering</c>: how silos and clients find each other.</summary>
public sealed class ClusteringOptions
{
    public ClusteringProvider Provider { get; set; } = ClusteringProvider.Localhost;
}
