namespace KeyGrains.Tests.Storage;

public sealed class SqliteRestartTests
{
    [Fact]
    public async Task State_SurvivesSiloStopAndStartOnTheSameFile()
    {
        using var file = new TempSqliteFile();
        const string Key = "restart-probe";

        await using (var first = await file.StartClusterAsync())
        {
            await first.Client.GetGrain<IProbeGrain>(Key).Set("before restart");
            await first.StopAllSilosAsync();
        }

        await using var second = await file.StartClusterAsync();
        var grain = second.Client.GetGrain<IProbeGrain>(Key);
        Assert.Equal(new ProbeState { Value = "before restart", Writes = 1 }, await grain.Get());

        // The version carried over too, so the next write is not mistaken for a stale one.
        await grain.Set("after restart");
        Assert.Equal("2", await grain.GetETag());
    }
}
