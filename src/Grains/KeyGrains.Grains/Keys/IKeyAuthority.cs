namespace KeyGrains.Keys;

/// <summary>What a key grain asks its organization (key: the org id), which holds every key's truth.</summary>
[Alias("kg.IKeyAuthority")]
public interface IKeyAuthority : IGrainWithStringKey
{
    /// <summary>The organization's record of the key, or null when it has none (deleted, purged, never finished).</summary>
    [Orleans.Concurrency.ReadOnly, Alias("GetKeyRecord")] Task<KeyRecord?> GetKeyRecord(string keyId);
}
