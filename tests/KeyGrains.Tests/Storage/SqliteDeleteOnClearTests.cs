using KeyGrains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Storage;

namespace KeyGrains.Tests.Storage;

/// <summary>
/// KeyGrains does not turn DeleteStateOnClear on, but the provider loads DeleteStorageKey anyway;
/// these pin that the query behaves if someone does.
/// </summary>
public sealed class SqliteDeleteOnClearTests
{
    private const string GrainType = "kg-test-delete";

    [Fact]
    public async Task Clear_WithDeleteStateOnClear_RemovesRowAndAllowsAFreshWrite()
    {
        using var file = new TempSqliteFile();
        await using var cluster = await file.StartClusterAsync(silo =>
            silo.Services.PostConfigure<AdoNetGrainStorageOptions>(GrainStorage.Name, o => o.DeleteStateOnClear = true));
        var storage = cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(GrainStorage.Name);
        var id = GrainId.Create("probe", "delete-" + Guid.NewGuid().ToString("N"));
        var state = new GrainState<ProbeState>(new ProbeState { Value = "a" });
        await storage.WriteStateAsync(GrainType, id, state);
        var stale = new GrainState<ProbeState>();
        await storage.ReadStateAsync(GrainType, id, stale);

        await storage.ClearStateAsync(GrainType, id, state);

        Assert.Equal(0, await file.ScalarAsync<long>("SELECT count(*) FROM grain_state"));
        Assert.False(state.RecordExists);
        stale.State = new ProbeState { Value = "stale" };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(GrainType, id, stale));
        state.State = new ProbeState { Value = "again" };
        await storage.WriteStateAsync(GrainType, id, state);
        var reread = new GrainState<ProbeState>();
        await storage.ReadStateAsync(GrainType, id, reread);
        Assert.Equal("again", reread.State!.Value);
    }
}
