using KeyGrains.Keys;

namespace KeyGrains.Organizations.KeyChanges;

/// <summary>
/// One call's change to keys, kept among the organization's unfinished changes from the write that
/// makes it until every key grain it touches has been told. If that never happens (a crash, a failed
/// write), the next call or activation recovers it: forwards when the change stands, backwards when
/// its caller saw a failure and never got the result.
/// </summary>
/// <remarks>
/// Only what the <c>[Id]</c>s mark is stored. The members the protocol asks about are internal so
/// that a storage which serializes public properties (the memory storage writes JSON) stores no more.
/// </remarks>
[GenerateSerializer, Immutable, Alias("kg.KeyChange")]
public abstract record KeyChange
{
    /// <summary>The keys whose grains must hear of the change.</summary>
    internal abstract IReadOnlyList<string> KeyIds { get; }

    /// <summary>
    /// True when recovery finishes the change rather than undoing it. Such a change is audited with
    /// the intent, in the write that marks it unfinished; one that would be undone is audited only
    /// once it is complete, so the log never shows what did not happen.
    /// </summary>
    internal abstract bool RecoversForwards { get; }

    /// <summary>Whether nodes may hold copies of its keys from before it: false only for keys it brings into being.</summary>
    internal virtual bool MayBeHeld => true;

    /// <summary>
    /// Not stored: a change is audited by the call that makes it, and never by recovery, which
    /// finishes what was audited already or undoes what never was.
    /// </summary>
    [field: NonSerialized]
    internal AuditEntry? Audit { get; init; }

    /// <summary>Every event the change is audited with: one for most changes, one per key for some.</summary>
    internal virtual IEnumerable<AuditEntry> Audits => Audit is null ? [] : [Audit];

    /// <summary>
    /// After a crash, makes <paramref name="state"/> hold what the key grains must end up with. A
    /// change recovered forwards left it there already.
    /// </summary>
    internal virtual void Recover(OrganizationState state)
    {
    }

    /// <summary>Puts back the record a change replaced.</summary>
    protected static void Restore(OrganizationState state, string keyId, KeyRecord previous) =>
        // A new version, so that a key grain which took the undone record takes this one too; the
        // last use is kept because it happened whatever became of the change.
        state.Keys[keyId] = previous with { Version = ++state.KeyVersion, LastUsedAt = state.Keys.GetValueOrDefault(keyId)?.LastUsedAt };
}

/// <summary>What the audit log says of a change once it is recorded.</summary>
internal sealed record AuditEntry(Caller Caller, string Action, string Target, Dictionary<string, string>? Details = null);
