using KeyGrains.Audit;
using KeyGrains.Keys;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KeyGrains.Organizations;

/// <summary>
/// An organization: its settings, roles, the index of its keys and its audit sequence. It is the
/// single writer of its keys; every change is written here (with the intent to tell the key grain)
/// before the key grain is told, and finished or undone on the next call if anything failed between.
/// </summary>
public sealed partial class OrganizationGrain(
    [PersistentState("org", GrainStorage.Name)] IPersistentState<OrganizationState> state,
    [PersistentState(LastUseState.Name, GrainStorage.Name)] IPersistentState<LastUseState> lastUse,
    IOptions<AuthorityOptions> options,
    IOptions<Replicas.ReplicaOptions> replicaOptions,
    AuthorityClock clock,
    KeyTagSource keyTags,
    ILogger<OrganizationGrain> logger) : Grain, IOrganizationGrain, IKeyAuthority
{
    /// <summary>How often a change whose key grains were not all told is tried again.</summary>
    internal static readonly TimeSpan UnfinishedRetryPeriod = TimeSpan.FromSeconds(1);

    private bool _lastUsedDirty;
    private IGrainTimer? _retryUnfinished;
    private IGrainTimer? _lastUsedSave;

    private OrganizationState State => state.State;

    private string OrgId => this.GetPrimaryKeyString();

    private DateTimeOffset Now => clock.Now;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RecoverAsync();
            await FlushAuditAsync();
        }
        catch (Exception ex)
        {
            // Activation must not fail because a key grain is unreachable; the timer retries.
            logger.LogWarning(ex, "Recovery of organization {OrgId} did not finish at activation", OrgId);
            RetryUnfinishedSoon();
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => SaveLastUsedAsync(cancellationToken);

    public async Task<OrgInfo> Create(CreateOrg request, Caller caller)
    {
        if (State.Exists)
        {
            throw new DomainException(ErrorCode.Conflict, $"An organization with id '{OrgId}' already exists.", "id");
        }

        var limit = request.KeyLimit ?? options.Value.DefaultKeyLimit;
        State.Name = Rules.OrgName(request.Name);
        State.Plan = Rules.Plan(request.Plan);
        State.KeyLimit = Rules.KeyLimit(limit);
        State.CreatedAt = Now;
        State.Exists = true;
        RecordAudit(AuditActions.OrgCreated, caller, "org:" + OrgId, new() { ["name"] = State.Name, ["plan"] = Rules.PlanName(State.Plan) });
        await CommitAsync();
        await FlushAuditAsync();
        return Info();
    }

    public Task<KeyRecord?> GetKeyRecord(string keyId) =>
        Task.FromResult(State.Exists ? State.Keys.GetValueOrDefault(keyId) : null);

    public Task<OrgInfo?> Get() => Task.FromResult(State.Exists ? Info() : null);

    public async Task<OrgInfo> Update(UpdateOrg request, Caller caller)
    {
        await EnsureReadyAsync();
        var changed = new Dictionary<string, string>();
        if (request.Name is { } name && name != State.Name)
        {
            State.Name = Rules.OrgName(name);
            changed["name"] = State.Name;
        }

        if (request.Plan is { } plan && plan != State.Plan)
        {
            State.Plan = Rules.Plan(plan);
            changed["plan"] = Rules.PlanName(plan);
        }

        if (request.KeyLimit is { } limit && limit != State.KeyLimit)
        {
            State.KeyLimit = Rules.KeyLimit(limit);
            changed["keyLimit"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (changed.Count > 0)
        {
            RecordAudit(AuditActions.OrgUpdated, caller, "org:" + OrgId, changed);
            await CommitAsync();
            await FlushAuditAsync();
        }

        return Info();
    }

    public Task ReportLastUsed(Dictionary<string, DateTimeOffset> uses)
    {
        foreach (var (keyId, at) in uses)
        {
            if (State.Keys.TryGetValue(keyId, out var record) && !(LastUsedOf(record) >= at))
            {
                lastUse.State.At[keyId] = at;
                _lastUsedDirty = true;
            }
        }

        // Saved by itself within a period: one write of the last-use state per organization, however
        // many of its keys are in use. A node reports to every organization at once, so each picks
        // its own moment in the period: a thousand saves landing in the same second took the
        // database from the node's verifications for two seconds every minute.
        if (_lastUsedDirty && _lastUsedSave is null)
        {
            var due = options.Value.LastUseReportPeriod * Random.Shared.NextDouble();
            _lastUsedSave = this.RegisterGrainTimer(() =>
            {
                // Disposing the timer cancels its token, so the save does not take that token.
                _lastUsedSave?.Dispose();
                _lastUsedSave = null;
                return SaveLastUsedAsync(CancellationToken.None);
            }, due, Timeout.InfiniteTimeSpan);
        }

        return Task.CompletedTask;
    }

    private async Task SaveLastUsedAsync(CancellationToken cancellationToken)
    {
        if (!_lastUsedDirty || !State.Exists)
        {
            return;
        }

        // Keys deleted since they were used are left out.
        var times = lastUse.State.At;
        foreach (var keyId in times.Keys.Where(id => !State.Keys.ContainsKey(id)).ToList())
        {
            times.Remove(keyId);
        }

        try
        {
            await lastUse.WriteStateAsync(cancellationToken);
            _lastUsedDirty = false;
        }
        catch (Exception ex)
        {
            // Last use is informational and may lag: the next report or the deactivation tries again,
            // with the stored version read back (so a conflict does not fail every later write) and
            // the times held here kept where they are later.
            logger.LogWarning(ex, "Could not save last-use times of organization {OrgId}", OrgId);
            if (await lastUse.TryReloadAsync(this, logger))
            {
                foreach (var (keyId, at) in times)
                {
                    if (!(lastUse.State.At.GetValueOrDefault(keyId) >= at))
                    {
                        lastUse.State.At[keyId] = at;
                    }
                }
            }
        }
    }

    /// <summary>The latest of the reported last use and what stored state held before it had a state of its own.</summary>
    private DateTimeOffset? LastUsedOf(KeyRecord record)
    {
        var stored = State.StoredLastUsedOf(record);
        return lastUse.State.At.TryGetValue(record.Id, out var at) && !(stored >= at) ? at : stored;
    }

    /// <summary>The key as the API shows it, with its last use.</summary>
    private KeyInfo InfoOf(KeyRecord record, DateTimeOffset now) => record.ToInfo(now, LastUsedOf(record));

    private OrgInfo Info() => new(OrgId, State.Name, State.Plan, State.KeyLimit, ActiveKeyCount(Now), State.CreatedAt);

    private int ActiveKeyCount(DateTimeOffset now)
    {
        var count = 0;
        foreach (var record in State.Keys.Values)
        {
            if (record.StatusAt(now) == KeyStatus.Active)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The organization exists and no earlier change is left half done.</summary>
    private async Task EnsureReadyAsync()
    {
        if (!State.Exists)
        {
            throw DomainException.NotFound("The organization");
        }

        await RecoverAsync();
    }

    private async Task CommitAsync()
    {
        ForgetExpiredAnswers();
        await state.WriteOrReloadAsync(this, logger);
    }
}
