using KeyGrains.Keys;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KeyGrains.Replicas;

/// <summary>
/// Keeps this node's lease: joins the registry, renews four times per lease off the request path,
/// and when the registry no longer knows the node (it was expelled for missing a change, or the
/// registry restarted) forgets every copy and joins again. Also sweeps the copies down to their bound.
/// One renewal per node covers all its keys, so the traffic does not grow with the keys held.
/// </summary>
internal sealed class ReplicaLeaseKeeper(NodeReplicas replicas, IGrainFactory grains, TimeProvider time, ILogger<ReplicaLeaseKeeper> logger)
    : BackgroundService
{
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(250);

    private IReplicaRegistry Registry => grains.GetGrain<IReplicaRegistry>(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var self = grains.CreateObjectReference<IReplicaNode>(replicas);
        NodeLease? lease = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var askedAt = time.GetTimestamp();
                try
                {
                    if (lease is null)
                    {
                        replicas.Forget();
                        lease = await Registry.Join(self);
                        replicas.Lease(askedAt, lease.Duration);
                        logger.LogInformation("Replica node {NodeId} joined with a lease of {Lease}", lease.NodeId, lease.Duration);
                    }
                    else if (await Registry.Renew(lease.NodeId))
                    {
                        replicas.Lease(askedAt, lease.Duration);
                    }
                    else
                    {
                        logger.LogWarning("Replica node {NodeId} lost its lease; dropping every copy and joining again", lease.NodeId);
                        lease = null;
                        continue;
                    }

                    TellEvictedPresentations(replicas.Sweep());
                    await Task.Delay(lease.Duration / 4, time, stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    // The lease runs out by itself: copies stop answering when it does, and the
                    // verifications ask key grains (or answer 503) until a renewal succeeds.
                    logger.LogDebug("Replica lease renewal failed with {ExceptionType}; retrying", e.GetType().Name);
                    await Task.Delay(RetryPause, time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            replicas.Forget();
            if (lease is not null)
            {
                // A node that leaves says so, so that no change waits for its lease.
                await Registry.Leave(lease.NodeId).WaitAsync(TimeSpan.FromSeconds(2), time).ContinueWith(_ => { }, TaskScheduler.Default);
            }

            grains.DeleteObjectReference<IReplicaNode>(self);
        }
    }

    /// <summary>A key whose copy leaves this node takes with it what it saw; its grain keeps that the secret was presented.</summary>
    private void TellEvictedPresentations(List<(string KeyId, byte[] SecretHash)> presented)
    {
        foreach (var (keyId, hash) in presented)
        {
            grains.GetGrain<IKeyReplica>(keyId).NotePresented(hash).Ignore();
        }
    }
}
