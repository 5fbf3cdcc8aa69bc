namespace KeyGrains.Keys;

/// <summary>How the organization grain tells a key grain what it now is.</summary>
[Alias("kg.IKeyReplica")]
public interface IKeyReplica : IGrainWithStringKey
{
    /// <summary>Takes <paramref name="record"/> if it is newer than the one held, durably, before returning.</summary>
    [Alias("Apply")] Task Apply(KeyRecord record);

    /// <summary>Forgets the key, durably: its secret answers NotFound from now on.</summary>
    [Alias("Remove")] Task Remove();

    /// <summary>
    /// Whether the secret with <paramref name="secretHash"/>, if it is the current one, has been
    /// presented since it was issued; <see cref="SecretUse.Unknown"/> when this activation cannot tell.
    /// </summary>
    [Alias("GetSecretUse")] Task<SecretUse> GetSecretUse(byte[] secretHash);
}
