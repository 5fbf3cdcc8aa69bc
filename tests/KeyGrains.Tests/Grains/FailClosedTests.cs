using KeyGrains.Keys;
using KeyGrains.Tests.Support;

namespace KeyGrains.Tests.Grains;

/// <summary>
/// A key never goes back to answering VALID after a change its organization recorded, whatever
/// storage does: not after a failed write, not from a fresh activation's stale row, not from a
/// change that arrives after the key was removed.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class FailClosedTests(ClusterFixture fx) : IDisposable
{
    private static readonly CreateKey Viewer = new("ci", null, ["viewer"]);

    public void Dispose() => fx.Storage.Heal();

    [Fact]
    public async Task ARevokedKeyWhoseRowStillSaysActive_IsRefusedByAFreshActivation_OfItsGrainAndOfItsOrganization()
    {
        var org = await fx.NewOrgAsync();
        var key = await org.CreateKey(Viewer, Caller.Operator());
        var keyGrain = fx.Key(key.Key.Id).GetGrainId();
        fx.Storage.FailNext(id => id == keyGrain, count: int.MaxValue);

        Assert.Equal(KeyStatus.Revoked, (await org.RevokeKey(key.Key.Id, Caller.Operator())).Status);

        // As after a restart of every process: both grains start again from storage, where the key's
        // own row still holds the active record because every write of it has failed.
        await fx.Cluster.DeactivateAsync(fx.Key(key.Key.Id));
        await fx.Cluster.DeactivateAsync(org);
        Assert.Equal(VerifyCode.Revoked, (await fx.VerifyAsync(key.Secret)).Code);
        await fx.Cluster.DeactivateAsync(fx.Key(key.Key.Id));
        Assert.Equal(VerifyCode.Revoked, (await fx.VerifyAsync(key.Secret)).Code);
    }

    [Fact]
    public async Task AChangeArrivingAfterTheKeysRemoval_DoesNotBringItBack()
    {
        var org = await fx.NewOrgAsync();
        var key = await org.CreateKey(Viewer, Caller.Operator());
        await org.UpdateKey(key.Key.Id, new UpdateKey(Name: "renamed"), Caller.Operator());
        var stored = await StoredRecord(key.Key.Id);
        await org.DeleteKey(key.Key.Id, Caller.Operator());

        // The update's message and the creation's, delayed in the network: every record the organization
        // sent before the removal carries a version no newer than the tombstone's.
        await fx.Client.GetGrain<IKeyReplica>(key.Key.Id).Apply(stored);
        await fx.Client.GetGrain<IKeyReplica>(key.Key.Id).Apply(stored with { Version = stored.Version - 1, Name = "ci" });

        Assert.Equal(VerifyCode.NotFound, (await fx.VerifyAsync(key.Secret)).Code);
        await fx.Cluster.DeactivateAsync(fx.Key(key.Key.Id));
        Assert.Equal(VerifyCode.NotFound, (await fx.VerifyAsync(key.Secret)).Code);
    }

    [Fact]
    public async Task ADeletedKeyWhoseRowCouldNotBeWritten_StaysNotFound_InAFreshActivation()
    {
        var org = await fx.NewOrgAsync();
        var key = await org.CreateKey(Viewer, Caller.Operator());
        var keyGrain = fx.Key(key.Key.Id).GetGrainId();
        fx.Storage.FailNext(id => id == keyGrain, count: int.MaxValue);

        await org.DeleteKey(key.Key.Id, Caller.Operator());
        Assert.Equal(VerifyCode.NotFound, (await fx.VerifyAsync(key.Secret)).Code);

        await fx.Cluster.DeactivateAsync(fx.Key(key.Key.Id));
        Assert.Equal(VerifyCode.NotFound, (await fx.VerifyAsync(key.Secret)).Code);
    }

    private async Task<KeyRecord> StoredRecord(string keyId)
    {
        var state = new StoredState<ApiKeyState>();
        await fx.Storage.Inner.ReadStateAsync("key", fx.Key(keyId).GetGrainId(), state);
        return state.State.Record!;
    }
}
