using KeyGrains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace KeyGrains.Cluster.Tests;

/// <summary>Each storage query in deploy/sql/postgres, through Orleans' own ADO.NET provider.</summary>
[Collection(ClusterCollection.Name)]
public sealed class GrainStorageTests(ClusterFixture fixture)
{
    private const string ProbeType = "probe";

    private IGrainStorage Storage(string name = GrainStorage.Name) =>
        fixture.Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(name);

    private static readonly Orleans.Runtime.GrainType ProbeGuidType = Orleans.Runtime.GrainType.Create("probeguid");

    private static GrainId NewId() => GrainId.Create(ProbeType, Guid.NewGuid().ToString("N"));

    private static GrainState<ProbeState> With(string value) => new(new ProbeState { Value = value });

    [Fact]
    public async Task Write_ThenRead_ReturnsStateAndVersion()
    {
        var id = NewId();
        var written = With("a");
        await Storage().WriteStateAsync(ProbeType, id, written);

        var read = new GrainState<ProbeState>();
        await Storage().ReadStateAsync(ProbeType, id, read);

        Assert.True(read.RecordExists);
        Assert.Equal("a", read.State!.Value);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal("1", read.ETag);
    }

    [Fact]
    public async Task Read_WhenNothingStored_ReturnsNoRecord()
    {
        var read = new GrainState<ProbeState>();
        await Storage().ReadStateAsync(ProbeType, NewId(), read);

        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        Assert.Equal(new ProbeState(), read.State);
    }

    [Fact]
    public async Task Write_WithStaleETag_ThrowsInconsistentState()
    {
        var id = NewId();
        await Storage().WriteStateAsync(ProbeType, id, With("first"));
        var one = new GrainState<ProbeState>();
        var two = new GrainState<ProbeState>();
        await Storage().ReadStateAsync(ProbeType, id, one);
        await Storage().ReadStateAsync(ProbeType, id, two);

        one.State = one.State! with { Value = "one" };
        await Storage().WriteStateAsync(ProbeType, id, one);
        two.State = two.State! with { Value = "two" };

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage().WriteStateAsync(ProbeType, id, two));
        var read = new GrainState<ProbeState>();
        await Storage().ReadStateAsync(ProbeType, id, read);
        Assert.Equal("one", read.State!.Value);
    }

    [Fact]
    public async Task Write_WithoutETag_WhenRowExists_ThrowsInconsistentState()
    {
        // A second activation that never read must not overwrite the first one's state.
        var id = NewId();
        await Storage().WriteStateAsync(ProbeType, id, With("first"));

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage().WriteStateAsync(ProbeType, id, With("second")));
    }

    [Fact]
    public async Task Clear_KeepsVersionedEmptyRow_AndStaleClearConflicts()
    {
        var id = NewId();
        var state = With("x");
        await Storage().WriteStateAsync(ProbeType, id, state);
        var stale = new GrainState<ProbeState>();
        await Storage().ReadStateAsync(ProbeType, id, stale);

        await Storage().ClearStateAsync(ProbeType, id, state);
        Assert.False(state.RecordExists);
        Assert.Equal("2", state.ETag);

        var read = new GrainState<ProbeState>();
        await Storage().ReadStateAsync(ProbeType, id, read);
        Assert.False(read.RecordExists);
        Assert.Equal("2", read.ETag);
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage().ClearStateAsync(ProbeType, id, stale));

        state.State = state.State! with { Value = "again" };
        await Storage().WriteStateAsync(ProbeType, id, state);
        Assert.Equal("3", state.ETag);
    }

    [Fact]
    public async Task Clear_WithDeleteStateOnClear_RemovesRow_AndStaleDeleteConflicts()
    {
        var storage = Storage(ClusterFixture.DeletingStorageName);
        var id = NewId();
        var state = With("x");
        await storage.WriteStateAsync(ProbeType, id, state);
        var stale = new GrainState<ProbeState>();
        await storage.ReadStateAsync(ProbeType, id, stale);
        stale.State = stale.State! with { Value = "y" };
        await storage.WriteStateAsync(ProbeType, id, stale);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(ProbeType, id, state));
        await storage.ClearStateAsync(ProbeType, id, stale);

        Assert.Null(stale.ETag);
        Assert.Equal(0, await Postgres.CountAsync(
            "SELECT count(*) FROM orleans_grain_state WHERE grain_type = @t AND grain_id_ext = @k",
            ("t", ProbeType), ("k", id.Key.ToString()!)));
        await storage.WriteStateAsync(ProbeType, id, stale);
        Assert.Equal("1", stale.ETag);
    }

    [Fact]
    public async Task GuidKeys_WithAndWithoutExtension_AreDistinctRows()
    {
        var guid = Guid.NewGuid();
        var plain = GrainId.Create(ProbeGuidType, GrainIdKeyExtensions.CreateGuidKey(guid));
        var extended = GrainId.Create(ProbeGuidType, GrainIdKeyExtensions.CreateGuidKey(guid, "ext"));
        await Storage().WriteStateAsync("probeguid", plain, With("plain"));
        await Storage().WriteStateAsync("probeguid", extended, With("extended"));

        var read = new GrainState<ProbeState>();
        await Storage().ReadStateAsync("probeguid", plain, read);
        Assert.Equal("plain", read.State!.Value);
        await Storage().ReadStateAsync("probeguid", extended, read);
        Assert.Equal("extended", read.State!.Value);
    }

    [Fact]
    public async Task Schema_AppliedAgain_KeepsStateAndQueries()
    {
        var id = NewId();
        var state = With("before");
        await Storage().WriteStateAsync(ProbeType, id, state);

        await Postgres.ApplySchemaAgainAsync();

        var read = new GrainState<ProbeState>();
        await Storage().ReadStateAsync(ProbeType, id, read);
        Assert.Equal("before", read.State!.Value);
        Assert.Equal(14, await Postgres.CountAsync("SELECT count(*) FROM OrleansQuery"));
    }
}
