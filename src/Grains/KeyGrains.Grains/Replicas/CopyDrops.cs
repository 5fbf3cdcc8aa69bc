namespace KeyGrains.Replicas;

/// <summary>The change path's half of the lease protocol: before a change is acknowledged, no node answers from an older copy.</summary>
public static class CopyDrops
{
    /// <summary>
    /// Tells every node that may hold copies to drop those of <paramref name="keys"/>, and returns when
    /// each has confirmed or, for those that did not within <paramref name="confirmTimeout"/>, when
    /// their leases have run out (they are expelled, so they cannot renew). It throws only when the
    /// registry cannot be reached: then nobody can say which leases run, and the change is not acknowledged.
    /// </summary>
    public static Task DropEverywhereAsync(IGrainFactory grains, KeyVersion[] keys, TimeSpan confirmTimeout) =>
        keys.Length == 0 ? Task.CompletedTask : TellEveryNodeAsync(grains, node => node.Drop(keys), confirmTimeout);

    /// <summary>As <see cref="DropEverywhereAsync"/>, for every key: changes may have been missed (a replica region that lost its feed of them).</summary>
    public static Task DropAllEverywhereAsync(IGrainFactory grains, TimeSpan confirmTimeout) =>
        TellEveryNodeAsync(grains, node => node.DropAll(), confirmTimeout);

    private static async Task TellEveryNodeAsync(IGrainFactory grains, Func<IReplicaNode, Task> tell, TimeSpan confirmTimeout)
    {
        var registry = grains.GetGrain<IReplicaRegistry>(0);
        var holders = await registry.GetHolders();
        var confirmed = await Task.WhenAll(holders.Nodes.Select(h => ConfirmAsync(tell(h.Node), confirmTimeout)));
        var wait = holders.UnknownLeasesEndIn;
        var silent = holders.Nodes.Where((_, i) => !confirmed[i]).Select(h => h.NodeId).ToArray();
        if (silent.Length > 0)
        {
            var leasesEnd = await registry.Expel(silent);
            wait = leasesEnd > wait ? leasesEnd : wait;
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
    }

    private static async Task<bool> ConfirmAsync(Task told, TimeSpan timeout)
    {
        try
        {
            await told.WaitAsync(timeout);
            return true;
        }
        catch (Exception e) when (e is TimeoutException or OrleansException or ObjectDisposedException)
        {
            return false;
        }
    }
}
