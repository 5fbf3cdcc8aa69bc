using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KeyGrains.Replicas;

/// <summary>
/// Holds the lease of every node that verifies from copies, in memory: renewals never touch storage,
/// so a storage outage does not end anyone's leases. Storage keeps only how many activations came
/// before this one and, from one that stopped in order, when its last lease ends: a successor cannot
/// know its predecessor's nodes, so until then (a whole lease after a crash) it tells every change
/// to wait out any lease it may not know of (the nodes find themselves unknown at their next
/// renewal, drop their copies and join again).
/// </summary>
public sealed class ReplicaRegistryGrain(
    [PersistentState("replicas", GrainStorage.Name)] IPersistentState<ReplicaRegistryState> state,
    IOptions<ReplicaOptions> options,
    TimeProvider time,
    ILogger<ReplicaRegistryGrain> logger) : Grain, IReplicaRegistry
{
    private readonly Dictionary<Guid, Holder> _holders = [];
    private readonly TimeSpan _lease = options.Value.LeaseDuration;
    private long _unknownLeasesEnd;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Activations > 0)
        {
            // A predecessor that stopped in order said when its last lease ends; one that crashed did not.
            var unknown = state.State.LeasesEndBy is { } end ? end - time.GetUtcNow() + TimeSpan.FromSeconds(1) : _lease + LeaseMargin(_lease);
            if (unknown > TimeSpan.Zero)
            {
                _unknownLeasesEnd = time.GetTimestamp() + Ticks(unknown);
                logger.LogInformation("Replica registry activated after {Count} earlier activation(s); leases it cannot know end within {Wait}", state.State.Activations, unknown);
            }
        }

        state.State.Activations++;
        state.State.LeasesEndBy = null;
        await state.WriteStateAsync(cancellationToken);
        this.RegisterGrainTimer(Prune, new GrainTimerCreationOptions(_lease, _lease) { KeepAlive = true });

        // Never collected for idleness: a successor would not know the nodes, and every node would
        // have to drop its copies and join again. Renewals alone may come less often than a short
        // collection age.
        DelayDeactivation(TimeSpan.MaxValue);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Tells the successor when the leases this activation granted end (nodes that left, as a
        // stopping node does, hold none), so it need not wait a whole lease for nodes it cannot know.
        var latest = _holders.Values.Select(h => h.RenewedAt + Ticks(_lease + LeaseMargin(_lease))).DefaultIfEmpty(0).Max();
        state.State.LeasesEndBy = time.GetUtcNow() + Remaining(Math.Max(latest, _unknownLeasesEnd));
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch (Exception e) when (InfrastructureFailure.IsStorage(e) || e is OperationCanceledException)
        {
            // The successor then waits a whole lease, as after a crash.
            logger.LogWarning("Replica registry could not record when its leases end: {ExceptionType}", e.GetType().Name);
        }
    }

    /// <summary>A margin over a lease for clocks that run at slightly different rates.</summary>
    public static TimeSpan LeaseMargin(TimeSpan lease) => TimeSpan.FromMilliseconds(100) + (lease / 100);

    public Task<NodeLease> Join(IReplicaNode node)
    {
        var id = Guid.NewGuid();
        _holders[id] = new Holder(node, time.GetTimestamp());
        return Task.FromResult(new NodeLease(id, _lease));
    }

    public Task<bool> Renew(Guid nodeId)
    {
        if (!_holders.TryGetValue(nodeId, out var holder))
        {
            return Task.FromResult(false);
        }

        holder.RenewedAt = time.GetTimestamp();
        return Task.FromResult(true);
    }

    public Task Leave(Guid nodeId)
    {
        _holders.Remove(nodeId);
        return Task.CompletedTask;
    }

    public Task<LeaseHolders> GetHolders()
    {
        var nodes = new LeaseHolder[_holders.Count];
        var i = 0;
        foreach (var (id, holder) in _holders)
        {
            nodes[i++] = new LeaseHolder(id, holder.Node);
        }

        return Task.FromResult(new LeaseHolders(nodes, Remaining(_unknownLeasesEnd)));
    }

    public Task<TimeSpan> Expel(Guid[] nodeIds)
    {
        var end = 0L;
        foreach (var id in nodeIds)
        {
            if (_holders.Remove(id, out var holder))
            {
                // The node counts its lease from before it sent the renewal, so it ends no later than this.
                end = Math.Max(end, holder.RenewedAt + Ticks(_lease + LeaseMargin(_lease)));
                logger.LogWarning("Replica node {NodeId} did not confirm a change in time and was expelled", id);
            }
        }

        return Task.FromResult(Remaining(end));
    }

    /// <summary>Forgets nodes whose leases ended without renewal (stopped or cut off): no change needs them.</summary>
    private Task Prune(CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        foreach (var (id, holder) in _holders)
        {
            if (now - holder.RenewedAt > Ticks(_lease + LeaseMargin(_lease)))
            {
                _holders.Remove(id);
            }
        }

        return Task.CompletedTask;
    }

    private TimeSpan Remaining(long endTimestamp)
    {
        var now = time.GetTimestamp();
        return endTimestamp > now ? time.GetElapsedTime(now, endTimestamp) : TimeSpan.Zero;
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);

    private sealed class Holder(IReplicaNode node, long renewedAt)
    {
        public IReplicaNode Node => node;

        public long RenewedAt { get; set; } = renewedAt;
    }
}

[GenerateSerializer, Alias("kg.ReplicaRegistryState")]
public sealed class ReplicaRegistryState
{
    [Id(0)] public long Activations { get; set; }

    /// <summary>Set by an activation that stopped in order: when the last lease it granted ends (wall clock).</summary>
    [Id(1)] public DateTimeOffset? LeasesEndBy { get; set; }
}
