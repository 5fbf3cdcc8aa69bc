using KeyGrains.Replicas;
using Microsoft.Extensions.Options;

namespace KeyGrains.Keys;

/// <summary>
/// One API key. Nodes that serve HTTP verify from copies they take here (<see cref="GetCopy"/>),
/// and this grain answers its own <see cref="Verify"/> from memory too. An activation does not trust its stored copy: a change its organization recorded may not have
/// reached it (a failed write, a crash), so before its first answer it asks the organization for
/// the key's record and answers from whichever is newer. From then on the organization tells it of
/// every change before acknowledging it.
/// Copies are dropped by the organization's change path, not from here: see <see cref="NodeReplicas"/>.
/// Last use is only recorded in memory and reported to the organization by the nodes once a
/// minute and when the grain deactivates: verification never writes.
/// </summary>
public sealed class ApiKeyGrain(
    [PersistentState("key", GrainStorage.Name)] IPersistentState<ApiKeyState> state,
    AuthorityClock clock,
    IOptions<ReplicaOptions> replicaOptions) : Grain, IApiKeyGrain, IKeyReplica, IKeyCopySource
{
    private KeyUsage _usage;
    private PublishedKey? _published;
    private SecretWatch? _secret;
    private bool _unsaved;
    private Task? _confirming;
    private bool _confirmed;

    private string KeyId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Nothing stored: nothing to answer, and nothing to confirm (a creation's first change tells us).
        _confirmed = state.State.Record is null;
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        var orgId = _published?.Record.OrgId;
        Withdraw();
        if (orgId is not null && _usage.TryTakeUnreported(out var at))
        {
            GrainFactory.GetGrain<IOrganizationGrain>(orgId).ReportLastUsed(new() { [KeyId] = at }).Ignore();
        }

        return Task.CompletedTask;
    }

    public ValueTask<VerifyResult> Verify(VerifyRequest request) =>
        _confirmed ? ValueTask.FromResult(AnswerFromMemory(request)) : ConfirmThenVerifyAsync(request);

    private VerifyResult AnswerFromMemory(VerifyRequest request) =>
        _published is { } key ? key.Verify(request.Key, request.Ip, request.Permissions, clock.Now, ref _usage) : VerifyResult.NotFound;

    private async ValueTask<VerifyResult> ConfirmThenVerifyAsync(VerifyRequest request)
    {
        await (_confirming ??= ConfirmAsync());
        return AnswerFromMemory(request);
    }

    public async Task<KeyCopy> GetCopy(long knownVersion)
    {
        if (state.State.Record is not null && (!_confirmed || HeldVersion < knownVersion))
        {
            // A node has heard of a newer version than this activation holds (a change it missed, or a
            // duplicate activation): catch up with the organization before handing out anything.
            _confirmed = false;
            await (_confirming ??= ConfirmAsync());
            if (_published is null)
            {
                // The organization, the keys' single writer, has no record of the key: it is gone at
                // whatever version the node heard of.
                return new KeyCopy(null, Math.Max(HeldVersion, knownVersion));
            }
        }

        return new KeyCopy(_published?.Record, HeldVersion);
    }

    /// <summary>The version of what this activation answers from: its record's, or its removal's.</summary>
    private long HeldVersion => _published?.Record.Version ?? state.State.RemovedAtVersion ?? 0;

    /// <summary>Takes the organization's record if it is newer than the stored one; none means the key is gone.</summary>
    private async Task ConfirmAsync()
    {
        try
        {
            var stored = state.State.Record!;
            var current = await GrainFactory.GetGrain<IKeyAuthority>(stored.OrgId).GetKeyRecord(KeyId);
            if (_confirmed)
            {
                // A change the organization told meanwhile settled it.
                return;
            }

            if (current is not null)
            {
                var newer = current.Version >= stored.Version ? current : stored;
                state.State.Record = newer;
                Answer(newer, issuedHere: false);
            }

            _confirmed = true;
        }
        finally
        {
            // A failure (the organization unreachable) is surfaced to this caller and retried by the next.
            _confirming = null;
        }
    }

    public async Task Apply(KeyRecord record)
    {
        if (record.Id != KeyId)
        {
            throw new ArgumentException("The record belongs to another key.", nameof(record));
        }

        if (record.Version <= state.State.RemovedAtVersion)
        {
            // A change older than the key's removal, arriving late: the key stays removed.
            return;
        }

        _confirmed = true;
        if (state.State.Record is { } held && (held.Version > record.Version || (held.Version == record.Version && !_unsaved)))
        {
            if (_published is null)
            {
                Answer(held, issuedHere: false);
            }

            return;
        }

        // Answer from the new record before writing it, and keep answering from it if the write fails:
        // the organization holds it durably and retries until this write succeeds, so going back to the
        // stored record would let a revoked key verify again. Only the change that issued the secret
        // says so: a record put back by an undone change brings an older secret whose earlier
        // presentations this activation may never have seen.
        if (state.State.Record?.Version != record.Version)
        {
            state.State.Record = record;
            Answer(record, issuedHere: record.Version == record.SecretVersion);
        }

        _unsaved = true;
        await state.WriteStateAsync();
        _unsaved = false;
        if (record.PreviousSecretHash is not null && record.PreviousSecretExpiresAt - clock.Now is { Ticks: > 0 } grace)
        {
            // While a previous secret is in its grace, the next rotation asks whether the current one
            // was ever presented; staying active keeps that answer known rather than lost.
            DelayDeactivation(grace);
        }
    }

    public async Task<SecretUse> GetSecretUse(byte[] secretHash)
    {
        var here = _secret is { } watch && watch.Watches(secretHash) ? watch.Use : SecretUse.Unknown;
        if (here != SecretUse.NeverPresented)
        {
            return here;
        }

        // Never presented here; most presentations are seen by the nodes' copies, so ask every node.
        // Any node that cannot answer, or a registry that cannot know every node, leaves it unknown.
        var holders = await GrainFactory.GetGrain<IReplicaRegistry>(0).GetHolders();
        if (holders.UnknownLeasesEndIn > TimeSpan.Zero)
        {
            return SecretUse.Unknown;
        }

        var timeout = replicaOptions.Value.ConfirmTimeout;
        var answers = await Task.WhenAll(holders.Nodes.Select(async h =>
        {
            try
            {
                return await h.Node.WasPresented(KeyId, secretHash).WaitAsync(timeout) ? SecretUse.Presented : SecretUse.NeverPresented;
            }
            catch (Exception e) when (e is TimeoutException or OrleansException)
            {
                return SecretUse.Unknown;
            }
        }));
        return answers.Contains(SecretUse.Presented) ? SecretUse.Presented
            : answers.Contains(SecretUse.Unknown) ? SecretUse.Unknown
            : _secret!.Use;
    }

    public Task NotePresented(byte[] secretHash)
    {
        if (_secret is { } watch && watch.Watches(secretHash))
        {
            watch.RecordPresented();
        }

        return Task.CompletedTask;
    }

    public async Task Remove(long atVersion)
    {
        // Stop answering first and stay silent even if the write fails: a removal is only ever
        // recovered forwards, so the old secret must never verify again.
        Withdraw();
        _confirmed = true;
        if (state.State.RemovedAtVersion >= atVersion)
        {
            return;
        }

        state.State.Record = null;
        state.State.RemovedAtVersion = atVersion;
        await state.WriteStateAsync();
    }

    /// <summary>
    /// Answers from <paramref name="record"/> from now on.
    /// <paramref name="issuedHere"/>: the record is the one that issued its secret, taken by this
    /// activation, so every presentation of that secret will be seen here.
    /// </summary>
    private void Answer(KeyRecord? record, bool issuedHere)
    {
        if (record is null)
        {
            Withdraw();
            return;
        }

        WatchSecret(record.SecretHash, issuedHere);
        _published = new PublishedKey(record, _secret!);
    }

    private void WatchSecret(byte[] secretHash, bool issuedHere)
    {
        if (_secret is { } watched && watched.Watches(secretHash))
        {
            return;
        }

        _secret = new SecretWatch(secretHash, issuedHere);
    }

    private void Withdraw() => _published = null;
}
