namespace KeyGrains.Keys;

/// <summary>How the organization grain tells a key grain what it now is.</summary>
[Alias("kg.IKeyReplica")]
public interface IKeyReplica : IGrainWithStringKey
{
    /// <summary>Takes <paramref name="record"/> if it is newer than the one held, durably, before returning.</summary>
    [Alias("Apply")] Task Apply(KeyRecord record);

    /// <summary>Forgets the key, durably: its secret answers NotFound from now on.</summary>
    [Alias("Remove")] Task Remove();
}
