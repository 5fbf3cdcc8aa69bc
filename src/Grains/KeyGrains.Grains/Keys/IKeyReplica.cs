namespace KeyGrains.Keys;

/// <summary>How the organization grain tells a key grain what it now is.</summary>
[Alias("kg.IKeyReplica")]
public interface IKeyReplica : IGrainWithStringKey
{
    /// <summary>
    /// Takes <paramref name="record"/> if it is newer than the one held, durably, before returning.
    /// It may interleave with a verification that is asking the organization for the key's record:
    /// the organization may be telling this very change on its way to answering.
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave, Alias("Apply")] Task Apply(KeyRecord record);

    /// <summary>
    /// Forgets the key, durably, leaving a tombstone at <paramref name="atVersion"/> (the organization's
    /// version at the removal): its secret answers NotFound from now on, and no older record can return.
    /// </summary>
    [Alias("RemoveAt")] Task Remove(long atVersion);

    /// <summary>
    /// Whether the secret with <paramref name="secretHash"/>, if it is the current one, has been
    /// presented since it was issued, here or on any node that verifies from copies;
    /// <see cref="SecretUse.Unknown"/> when that cannot be told for sure.
    /// </summary>
    [Alias("GetSecretUse")] Task<SecretUse> GetSecretUse(byte[] secretHash);

    /// <summary>A node saw the secret with <paramref name="secretHash"/> presented and is letting its copy go.</summary>
    [Orleans.Concurrency.OneWay, Alias("NotePresented")] Task NotePresented(byte[] secretHash);
}
