using KeyGrains.Hosting;

namespace KeyGrains.Testing;

// A grain of the tests' own, so the storage and failover tests do not move with the real grains.
[Alias("kg.test.probe")]
public interface IProbeGrain : IGrainWithStringKey
{
    Task<ProbeState> Get();

    Task<string?> GetETag();

    Task Set(string value);

    /// <summary>The silo this activation lives on, to find grains that a killed silo held.</summary>
    Task<string> Silo();
}

[GenerateSerializer, Alias("kg.test.probe-state")]
public sealed record ProbeState
{
    [Id(0)] public string Value { get; init; } = "";

    [Id(1)] public int Writes { get; init; }
}

public sealed class ProbeGrain(
    [PersistentState("probe", GrainStorage.Name)] IPersistentState<ProbeState> state,
    ILocalSiloDetails silo) : Grain, IProbeGrain
{
    public Task<ProbeState> Get() => Task.FromResult(state.State);

    public Task<string?> GetETag() => Task.FromResult<string?>(state.Etag);

    public async Task Set(string value)
    {
        state.State = state.State with { Value = value, Writes = state.State.Writes + 1 };
        await state.WriteStateAsync();
    }

    public Task<string> Silo() => Task.FromResult(silo.SiloAddress.ToString());
}
