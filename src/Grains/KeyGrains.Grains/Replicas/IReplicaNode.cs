using KeyGrains.Keys;

namespace KeyGrains.Replicas;

/// <summary>
/// A node that answers verifications from its own copies of keys (a web API, co-hosted or in Client
/// mode), as the cluster reaches it. The change path calls it before acknowledging a change.
/// </summary>
[Alias("kg.IReplicaNode")]
public interface IReplicaNode : IGrainObserver
{
    /// <summary>
    /// Drops this node's copies of the keys named and remembers each version: from now on it takes
    /// no copy of those keys older than that. Returning is the confirmation.
    /// </summary>
    [Alias("Drop")] Task Drop(KeyVersion[] keys);

    /// <summary>Drops every copy this node holds (keeping the versions it heard of): changes may have been missed.</summary>
    [Alias("DropAll")] Task DropAll();

    /// <summary>Whether this node has seen the secret with <paramref name="secretHash"/> presented for the key.</summary>
    [Alias("WasPresented")] Task<bool> WasPresented(string keyId, byte[] secretHash);
}

/// <summary>A key at a version of its organization's key sequence.</summary>
[GenerateSerializer, Immutable, Alias("kg.KeyVersion")]
public readonly record struct KeyVersion([property: Id(0)] string KeyId, [property: Id(1)] long Version);

/// <summary>
/// What a key grain hands a node to verify from: the key's record at <see cref="Version"/>, or none
/// when the key does not exist (never did, or was removed at that version).
/// </summary>
[GenerateSerializer, Immutable, Alias("kg.KeyCopy")]
public sealed record KeyCopy([property: Id(0)] KeyRecord? Record, [property: Id(1)] long Version);

/// <summary>A node's place among the lease holders: its id and how long its lease lasts from the request.</summary>
[GenerateSerializer, Immutable, Alias("kg.NodeLease")]
public sealed record NodeLease([property: Id(0)] Guid NodeId, [property: Id(1)] TimeSpan Duration);

/// <summary>
/// The nodes a change must reach. A node not listed may still hold copies until
/// <see cref="UnknownLeasesEndIn"/> from the answer: the registry was (re)activated less than a
/// lease ago and cannot know who held leases from its predecessor.
/// </summary>
[GenerateSerializer, Immutable, Alias("kg.LeaseHolders")]
public sealed record LeaseHolders([property: Id(0)] LeaseHolder[] Nodes, [property: Id(1)] TimeSpan UnknownLeasesEndIn);

[GenerateSerializer, Immutable, Alias("kg.LeaseHolder")]
public sealed record LeaseHolder([property: Id(0)] Guid NodeId, [property: Id(1)] IReplicaNode Node);
