using KeyGrains.Keys;
using KeyGrains.Organizations.KeyChanges;
using KeyGrains.Replicas;
using Microsoft.Extensions.Logging;

namespace KeyGrains.Organizations;

public sealed partial class OrganizationGrain
{
    private Task ChangeKeysAsync(KeyChange change, StoredAnswer? answer = null) => ChangeKeysAsync([change], answer);

    /// <summary>
    /// Makes key grains hold what this state says. The state, with <paramref name="changes"/> among
    /// the unfinished, is written first; then the key grains are told; then the marks are cleared.
    /// Each change is audited in the first write or the last, as <see cref="KeyChange.RecoversForwards"/>
    /// says, and recovered its own way: changes made together share their writes, not their fate.
    /// An <paramref name="answer"/> is stored by the last write, the one that makes the changes final:
    /// a change undone by recovery leaves no answer to give again.
    /// </summary>
    private async Task ChangeKeysAsync(KeyChange[] changes, StoredAnswer? answer = null)
    {
        foreach (var change in changes)
        {
            State.Unfinished.Add(change);
            if (change.RecoversForwards)
            {
                RecordAudit(change);
            }
        }

        await CommitAsync();
        var keyIds = changes.SelectMany(c => c.KeyIds).ToArray();
        var told = TellKeyGrainsAsync(keyIds);
        try
        {
            // Copies on the nodes go before the change is acknowledged, whatever becomes of telling the
            // key grains: a node that drops a copy asks again at the version it heard of, and a key
            // grain behind it catches up with this state, which holds the change already.
            await CopyDrops.DropEverywhereAsync(GrainFactory, HeldVersions(changes), replicaOptions.Value.ConfirmTimeout);
        }
        catch
        {
            RetryUnfinishedSoon();
            await told.ContinueWith(_ => { }, TaskScheduler.Current);
            throw;
        }

        try
        {
            await told;
        }
        catch (Exception e)
        {
            // The changes are recorded: a timer finishes or undoes them without waiting for another
            // call. One that is finished forwards (a revocation, a deletion) stands, and each key grain
            // that heard of it refuses already, so its caller is not told it failed.
            RetryUnfinishedSoon();
            if (Array.TrueForAll(changes, c => c.RecoversForwards))
            {
                logger.LogWarning(e, "Organization {OrgId}: key grains not yet told of a change; retrying", OrgId);
                return;
            }

            throw;
        }

        if (answer is not null)
        {
            RememberAnswer(answer);
        }

        foreach (var change in changes)
        {
            State.Unfinished.Remove(change);
            if (!change.RecoversForwards)
            {
                RecordAudit(change);
            }
        }

        await CommitAsync();
        await FlushAuditAsync();
    }

    /// <summary>
    /// Finishes or undoes whatever an earlier call left unfinished: each change puts into the state
    /// what its keys must be, and that is pushed forwards.
    /// </summary>
    private async Task RecoverAsync()
    {
        // State stored before KeyChange existed marks its unfinished changes the old way.
        State.Unfinished.AddRange(State.LegacyPending.Select(p => p.ToKeyChange()));
        State.LegacyPending.Clear();
        if (State.Unfinished.Count == 0)
        {
            return;
        }

        var keyIds = new List<string>();
        foreach (var change in State.Unfinished)
        {
            change.Recover(State);
            keyIds.AddRange(change.KeyIds);
        }

        logger.LogInformation("Organization {OrgId}: recovering {Count} unfinished key change(s)", OrgId, keyIds.Count);
        State.Unfinished.Clear();
        await ChangeKeysAsync(new KeysRecovered([.. keyIds]));
    }

    /// <summary>Runs recovery on a timer while anything is unfinished, keeping the activation alive meanwhile.</summary>
    private void RetryUnfinishedSoon() =>
        _retryUnfinished ??= this.RegisterGrainTimer(RetryUnfinishedAsync, new GrainTimerCreationOptions
        {
            DueTime = UnfinishedRetryPeriod,
            Period = UnfinishedRetryPeriod,
            KeepAlive = true,
        });

    private async Task RetryUnfinishedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RecoverAsync();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Organization {OrgId}: unfinished key changes wait for the next try", OrgId);
        }

        if (State.Unfinished.Count == 0)
        {
            _retryUnfinished?.Dispose();
            _retryUnfinished = null;
        }
    }

    private Task TellKeyGrainsAsync(IReadOnlyList<string> keyIds)
    {
        var calls = new Task[keyIds.Count];
        for (var i = 0; i < calls.Length; i++)
        {
            var replica = GrainFactory.GetGrain<IKeyReplica>(keyIds[i]);
            calls[i] = State.Keys.TryGetValue(keyIds[i], out var record) ? replica.Apply(record) : replica.Remove(State.KeyVersion);
        }

        return Task.WhenAll(calls);
    }

    private long NextVersion() => ++State.KeyVersion;

    /// <summary>The keys of <paramref name="changes"/> that nodes may hold copies of, each at the version that now stands.</summary>
    private KeyVersion[] HeldVersions(KeyChange[] changes) =>
        [.. changes.Where(c => c.MayBeHeld).SelectMany(c => c.KeyIds).Distinct()
            .Select(id => new KeyVersion(id, State.Keys.TryGetValue(id, out var record) ? record.Version : State.KeyVersion))];
}
