namespace KeyGrains.Replicas;

/// <summary>
/// The cluster's list of nodes that verify from their own copies, each under a lease it renews
/// (key: 0). A node may answer from a copy only while its lease runs; a node the change path could
/// not reach is expelled, and the change waits until its lease has surely ended.
/// </summary>
[Alias("kg.IReplicaRegistry")]
public interface IReplicaRegistry : IGrainWithIntegerKey
{
    /// <summary>Adds the node under a new id; its lease starts before the caller sent the request.</summary>
    [Alias("Join")] Task<NodeLease> Join(IReplicaNode node);

    /// <summary>Extends the node's lease; false when the node is unknown or expelled (it must drop every copy and join again).</summary>
    [Alias("Renew")] Task<bool> Renew(Guid nodeId);

    /// <summary>Removes a node that stops, so no change waits for it.</summary>
    [Alias("Leave")] Task Leave(Guid nodeId);

    /// <summary>Every node whose lease may still run.</summary>
    [Orleans.Concurrency.AlwaysInterleave, Alias("GetHolders")] Task<LeaseHolders> GetHolders();

    /// <summary>
    /// Ends the leases of nodes that did not confirm a change: they are refused renewal from now on.
    /// Answers how long until their current leases have surely run out.
    /// </summary>
    [Alias("Expel")] Task<TimeSpan> Expel(Guid[] nodeIds);
}
