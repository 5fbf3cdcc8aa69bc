using KeyGrains.Keys;
using Microsoft.Extensions.Logging;

namespace KeyGrains.Organizations;

public sealed partial class OrganizationGrain
{
    /// <summary>
    /// Makes key grains hold what this state says. The state (with <paramref name="changes"/> as
    /// pending) is written first, then the key grains are told, then the pending marks are cleared.
    /// A change recovered forwards is audited with the intent; one that would be undone is audited
    /// only once it is complete, so the log never shows what did not happen.
    /// </summary>
    private async Task PushAsync(PendingKeyChange[] changes, Action audit)
    {
        var forwardOnly = Array.TrueForAll(changes, c => c.Recovery is Recovery.PushCurrent or Recovery.Remove);
        State.Pending.AddRange(changes);
        if (forwardOnly)
        {
            audit();
        }

        await CommitAsync();
        await TellKeyGrainsAsync(changes);

        State.Pending.RemoveAll(p => Array.IndexOf(changes, p) >= 0);
        if (!forwardOnly)
        {
            audit();
        }

        await CommitAsync();
        await FlushAuditAsync();
    }

    /// <summary>
    /// Finishes or undoes whatever an earlier call left pending. Undoing means restoring the previous
    /// record (or dropping a key that was being created) and then pushing that forwards.
    /// </summary>
    private async Task RecoverAsync()
    {
        if (State.Pending.Count == 0)
        {
            return;
        }

        var forwards = new PendingKeyChange[State.Pending.Count];
        for (var i = 0; i < forwards.Length; i++)
        {
            var pending = State.Pending[i];
            switch (pending.Recovery)
            {
                case Recovery.RestorePrevious when pending.Previous is { } previous:
                    State.Keys[pending.KeyId] = previous with { Version = ++State.KeyVersion, LastUsedAt = State.Keys.GetValueOrDefault(pending.KeyId)?.LastUsedAt };
                    break;
                case Recovery.Discard:
                    State.Keys.Remove(pending.KeyId);
                    break;
            }

            forwards[i] = new PendingKeyChange(pending.KeyId, State.Keys.ContainsKey(pending.KeyId) ? Recovery.PushCurrent : Recovery.Remove);
        }

        logger.LogInformation("Organization {OrgId}: recovering {Count} unfinished key change(s)", OrgId, forwards.Length);
        State.Pending.Clear();
        await PushAsync(forwards, static () => { });
    }

    private Task TellKeyGrainsAsync(PendingKeyChange[] changes)
    {
        var calls = new Task[changes.Length];
        for (var i = 0; i < changes.Length; i++)
        {
            var replica = GrainFactory.GetGrain<IKeyReplica>(changes[i].KeyId);
            calls[i] = State.Keys.TryGetValue(changes[i].KeyId, out var record) ? replica.Apply(record) : replica.Remove();
        }

        return Task.WhenAll(calls);
    }

    private long NextVersion() => ++State.KeyVersion;
}
