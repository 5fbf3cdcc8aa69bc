using KeyGrains.Audit;
using KeyGrains.Organizations.KeyChanges;
using Microsoft.Extensions.Logging;

namespace KeyGrains.Organizations;

public sealed partial class OrganizationGrain
{
    public async Task<AuditPage> GetAudit(int limit, long? before)
    {
        if (!State.Exists)
        {
            throw DomainException.NotFound("The organization");
        }

        if (limit is < 1 or > 200)
        {
            throw DomainException.Invalid("limit", "The limit must be between 1 and 200.");
        }

        if (before is < 1)
        {
            throw DomainException.Invalid("before", "The cursor is not valid.");
        }

        await FlushAuditAsync();
        var newest = before is { } b ? Math.Min(b - 1, State.AuditCount) : State.AuditCount;
        var items = new List<AuditEvent>(limit);
        for (var segment = AuditLogGrain.SegmentOf(newest); segment >= 0 && newest >= 1 && items.Count < limit; segment--)
        {
            var events = await GrainFactory.GetGrain<IAuditLogGrain>(AuditLogGrain.Key(OrgId, segment)).Get();
            for (var i = events.Length - 1; i >= 0 && items.Count < limit; i--)
            {
                if (events[i].Id <= newest)
                {
                    items.Add(events[i]);
                }
            }
        }

        var next = items.Count == limit && items[^1].Id > 1 ? items[^1].Id : (long?)null;
        return new AuditPage([.. items], next);
    }

    /// <summary>Adds an event to the outbox; it becomes durable with the next commit.</summary>
    private void RecordAudit(string action, Caller caller, string target, Dictionary<string, string>? details = null) =>
        State.AuditOutbox.Add(new AuditEvent(++State.AuditCount, Now, caller.Actor, action, target, caller.SourceIp, details));

    private void RecordAudit(KeyChange change)
    {
        foreach (var entry in change.Audits)
        {
            RecordAudit(entry.Action, entry.Caller, entry.Target, entry.Details);
        }
    }

    /// <summary>
    /// Hands committed events to the log's segments. A failure leaves them in the outbox for the
    /// next try (appending is idempotent), and does not fail a change that is already durable.
    /// </summary>
    private async Task FlushAuditAsync()
    {
        if (State.AuditOutbox.Count == 0)
        {
            return;
        }

        try
        {
            foreach (var group in State.AuditOutbox.GroupBy(e => AuditLogGrain.SegmentOf(e.Id)))
            {
                await GrainFactory.GetGrain<IAuditLogGrain>(AuditLogGrain.Key(OrgId, group.Key)).Append([.. group]);
            }

            // Cleared in memory only; the next commit drops them from storage too.
            State.AuditOutbox.Clear();
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Audit events of organization {OrgId} wait for the next try", OrgId);
        }
    }
}
