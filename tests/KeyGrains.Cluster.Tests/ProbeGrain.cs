using KeyGrains.Hosting;

namespace KeyGrains.Cluster.Tests;

[GenerateSerializer, Alias("KeyGrains.Cluster.Tests.ProbeState")]
public sealed class ProbeState
{
    [Id(0)] public List<string> Items { get; set; } = [];
}

[Alias("KeyGrains.Cluster.Tests.IProbeGrain")]
public interface IProbeGrain : IGrainWithStringKey
{
    Task<int> Add(string item);
    Task<IReadOnlyList<string>> Items();
    Task<string> Silo();
}

/// <summary>A grain that only stores what it is told, to test storage and failover on their own.</summary>
public sealed class ProbeGrain(
    [PersistentState("probe", GrainStorage.Name)] IPersistentState<ProbeState> state,
    ILocalSiloDetails silo) : Grain, IProbeGrain
{
    public async Task<int> Add(string item)
    {
        state.State.Items.Add(item);
        await state.WriteStateAsync();
        return state.State.Items.Count;
    }

    public Task<IReadOnlyList<string>> Items() => Task.FromResult<IReadOnlyList<string>>(state.State.Items);

    public Task<string> Silo() => Task.FromResult(silo.SiloAddress.ToString());
}
