namespace KeyGrains.Audit;

[GenerateSerializer, Alias("kg.AuditLogState")]
public sealed class AuditLogState
{
    [Id(0)] public List<AuditEvent> Events { get; set; } = [];
}

/// <summary>
/// One segment of an organization's audit log: events <c>100·n+1</c> to <c>100·(n+1)</c>, so no
/// grain's state grows without bound.
/// </summary>
public sealed class AuditLogGrain(
    [PersistentState("audit", GrainStorage.Name)] IPersistentState<AuditLogState> state) : Grain, IAuditLogGrain
{
    public const int SegmentSize = 100;

    public static long SegmentOf(long eventId) => Math.Max(0, (eventId - 1) / SegmentSize);

    public static string Key(string orgId, long segment) => orgId + "/" + segment.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public async Task Append(AuditEvent[] events)
    {
        var added = false;
        foreach (var e in events)
        {
            if (!state.State.Events.Exists(x => x.Id == e.Id))
            {
                state.State.Events.Add(e);
                added = true;
            }
        }

        if (added)
        {
            state.State.Events.Sort(static (a, b) => a.Id.CompareTo(b.Id));
            try
            {
                await state.WriteStateAsync();
            }
            catch
            {
                await state.ReadStateAsync();
                throw;
            }
        }
    }

    public Task<AuditEvent[]> Get() => Task.FromResult(state.State.Events.ToArray());
}
