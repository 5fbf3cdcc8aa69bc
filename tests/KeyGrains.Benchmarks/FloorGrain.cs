namespace KeyGrains.Benchmarks;

/// <summary>A grain with no state and no work: what one activation costs in Orleans itself.</summary>
public interface IFloorGrain : IGrainWithStringKey
{
    Task Touch();
}

public sealed class FloorGrain : Grain, IFloorGrain
{
    public Task Touch() => Task.CompletedTask;
}
