using KeyGrains.Hosting;
using Microsoft.Extensions.Logging;

namespace KeyGrains.Keys;

/// <summary>
/// One API key. Verification is answered from memory; the last use is kept in memory and written
/// at most once a minute (and on deactivation), never once per call.
/// </summary>
public sealed class ApiKeyGrain(
    [PersistentState("key", KeyGrainsSiloExtensions.StorageName)] IPersistentState<ApiKeyState> state,
    AuthorityClock clock,
    ILogger<ApiKeyGrain> logger) : Grain, IApiKeyGrain, IKeyReplica
{
    private static readonly TimeSpan LastUsedFlushPeriod = TimeSpan.FromMinutes(1);

    private VerificationModel? _model;
    private DateTimeOffset? _lastUsed;
    private bool _lastUsedDirty;

    // Only keys in use carry a timer: an idle activation costs less memory (1,000,000 keys fit).
    private IGrainTimer? _flushTimer;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _model = Compile(state.State.Record);
        _lastUsed = state.State.LastUsedAt;
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        FlushLastUsedAsync(cancellationToken);

    public ValueTask<VerifyResult> Verify(VerifyRequest request)
    {
        if (_model is null)
        {
            return ValueTask.FromResult(VerifyResult.NotFound);
        }

        var now = clock.Now;
        var result = _model.Verify(request, now);
        if (result.IsValid)
        {
            _lastUsed = now;
            _lastUsedDirty = true;
            _flushTimer ??= this.RegisterGrainTimer(FlushLastUsedAsync, LastUsedFlushPeriod, LastUsedFlushPeriod);
        }

        return ValueTask.FromResult(result);
    }

    public async Task Apply(KeyRecord record)
    {
        if (record.Id != this.GetPrimaryKeyString())
        {
            throw new ArgumentException("The record belongs to another key.", nameof(record));
        }

        if (state.State.Record is { } held && held.Version >= record.Version)
        {
            return;
        }

        state.State.Record = record;
        state.State.LastUsedAt = _lastUsed;
        await WriteOrReloadAsync();
    }

    public async Task Remove()
    {
        // Stop answering first and stay silent even if the clear fails: a removal is only ever
        // recovered forwards, so the old secret must never verify again.
        _model = null;
        if (state.State.Record is null && !state.RecordExists)
        {
            return;
        }

        await state.ClearStateAsync();
        _lastUsed = null;
        _lastUsedDirty = false;
    }

    private async Task FlushLastUsedAsync(CancellationToken cancellationToken)
    {
        if (!_lastUsedDirty || _model is null || _lastUsed is not { } at)
        {
            // A minute without a successful use: drop the timer until the next one.
            _flushTimer?.Dispose();
            _flushTimer = null;
            return;
        }

        try
        {
            state.State.LastUsedAt = at;
            await state.WriteStateAsync(cancellationToken);
            _lastUsedDirty = false;
            GrainFactory.GetGrain<IOrganizationGrain>(_model.Record.OrgId).ReportLastUsed(_model.Record.Id, at).Ignore();
        }
        catch (Exception ex)
        {
            // Last use is informational; the next flush tries again.
            logger.LogWarning(ex, "Could not record the last use of key {KeyId}", this.GetPrimaryKeyString());
            await ReloadAsync();
        }
    }

    private async Task WriteOrReloadAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            await ReloadAsync();
            throw;
        }

        _model = Compile(state.State.Record);
    }

    /// <summary>Back to what storage holds; if even that cannot be read, answer nothing until deactivated.</summary>
    private async Task ReloadAsync() =>
        _model = await state.TryReloadAsync(this, logger) ? Compile(state.State.Record) : null;

    private static VerificationModel? Compile(KeyRecord? record) => record is null ? null : new VerificationModel(record);
}
