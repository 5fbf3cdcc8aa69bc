using KeyGrains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace KeyGrains.Tests.Storage;

public sealed class SqliteStoreTests(SqliteClusterFixture fixture) : IClassFixture<SqliteClusterFixture>
{
    private const string GrainType = "kg-test-direct";

    private IGrainStorage Storage => fixture.Cluster.GetSiloServiceProvider()
        .GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name);

    private static GrainId NewGrainId() => GrainId.Create("probe", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Write_ThenReadAfterDeactivation_ReturnsWrittenStateFromTheFile()
    {
        // Not a bare Guid: Orleans would store that in key_n0/key_n1 instead of key_ext.
        var key = "probe-" + Guid.NewGuid().ToString("N");
        var grain = fixture.Cluster.Client.GetGrain<IProbeGrain>(key);
        await grain.Set("first");
        await grain.Set("second");

        await fixture.Cluster.DeactivateAsync(grain);
        var state = await grain.Get();

        Assert.Equal(new ProbeState { Value = "second", Writes = 2 }, state);
        Assert.Equal("2", await grain.GetETag());
        Assert.Equal(2, await fixture.File.ScalarAsync<long>(
            $"SELECT version FROM grain_state WHERE key_ext = '{key}' AND service_id = '{TempSqliteFile.ServiceId}'"));
    }

    [Fact]
    public async Task Write_WithStaleETag_RaisesInconsistentStateAndKeepsTheNewerState()
    {
        var id = NewGrainId();
        var first = new GrainState<ProbeState>(new ProbeState { Value = "a" });
        await Storage.WriteStateAsync(GrainType, id, first);
        var stale = new GrainState<ProbeState>();
        await Storage.ReadStateAsync(GrainType, id, stale);
        Assert.Equal("1", stale.ETag);

        first.State = new ProbeState { Value = "b" };
        await Storage.WriteStateAsync(GrainType, id, first);
        stale.State = new ProbeState { Value = "stale" };

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(GrainType, id, stale));
        var stored = new GrainState<ProbeState>();
        await Storage.ReadStateAsync(GrainType, id, stored);
        Assert.Equal(("b", "2"), (stored.State!.Value, stored.ETag));
    }

    [Fact]
    public async Task Write_TwoFirstWritersWithoutETag_SecondRaisesInconsistentState()
    {
        var id = NewGrainId();
        var winner = new GrainState<ProbeState>(new ProbeState { Value = "winner" });
        var loser = new GrainState<ProbeState>(new ProbeState { Value = "loser" });

        await Storage.WriteStateAsync(GrainType, id, winner);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(GrainType, id, loser));
        var stored = new GrainState<ProbeState>();
        await Storage.ReadStateAsync(GrainType, id, stored);
        Assert.Equal("winner", stored.State!.Value);
    }

    [Fact]
    public async Task Write_WithETagForMissingRow_RaisesInconsistentState()
    {
        var ghost = new GrainState<ProbeState>(new ProbeState { Value = "ghost" }) { ETag = "5" };

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(GrainType, NewGrainId(), ghost));
    }

    [Fact]
    public async Task Clear_BumpsVersionSoTheWriterBeforeTheClearIsStale()
    {
        var id = NewGrainId();
        var writer = new GrainState<ProbeState>(new ProbeState { Value = "a" });
        await Storage.WriteStateAsync(GrainType, id, writer);
        var before = new GrainState<ProbeState>();
        await Storage.ReadStateAsync(GrainType, id, before);

        await Storage.ClearStateAsync(GrainType, id, writer);
        var after = new GrainState<ProbeState>();
        await Storage.ReadStateAsync(GrainType, id, after);

        Assert.Equal(("2", ""), (after.ETag, after.State!.Value));
        before.State = new ProbeState { Value = "resurrected" };
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync(GrainType, id, before));
    }

    [Fact]
    public async Task Write_StoresPayloadWithoutClrTypeNames()
    {
        // A payload naming the C# type (as Newtonsoft's $type does) would be orphaned by a rename.
        var key = "payload-" + Guid.NewGuid().ToString("N");
        await fixture.Cluster.Client.GetGrain<IProbeGrain>(key).Set("payload check");

        var payload = await fixture.File.ScalarAsync<string>(
            $"SELECT hex(payload) FROM grain_state WHERE key_ext = '{key}'");

        Assert.NotNull(payload);
        Assert.Contains(Convert.ToHexString("payload check"u8), payload);
        Assert.DoesNotContain(Convert.ToHexString("ProbeState"u8), payload);
        Assert.DoesNotContain(Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(typeof(ProbeState).Namespace!)), payload);
    }

    [Fact]
    public async Task Read_OfUnknownGrain_ReportsNoRecord()
    {
        var state = new GrainState<ProbeState>();

        await Storage.ReadStateAsync(GrainType, NewGrainId(), state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
    }

    [Fact]
    public async Task Write_SameKeyUnderAnotherGrainType_IsAnotherRow()
    {
        var id = NewGrainId();
        await Storage.WriteStateAsync(GrainType, id, new GrainState<ProbeState>(new ProbeState { Value = "one" }));

        var other = new GrainState<ProbeState>();
        await Storage.ReadStateAsync(GrainType + "-other", id, other);

        Assert.False(other.RecordExists);
    }
}
