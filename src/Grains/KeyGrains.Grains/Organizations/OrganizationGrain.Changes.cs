using KeyGrains.Keys;
using KeyGrains.Organizations.KeyChanges;
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
        await TellKeyGrainsAsync([.. changes.SelectMany(c => c.KeyIds)]);

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

    private Task TellKeyGrainsAsync(IReadOnlyList<string> keyIds)
    {
        var calls = new Task[keyIds.Count];
        for (var i = 0; i < calls.Length; i++)
        {
            var replica = GrainFactory.GetGrain<IKeyReplica>(keyIds[i]);
            calls[i] = State.Keys.TryGetValue(keyIds[i], out var record) ? replica.Apply(record) : replica.Remove();
        }

        return Task.WhenAll(calls);
    }

    private long NextVersion() => ++State.KeyVersion;
}
