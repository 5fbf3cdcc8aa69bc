namespace KeyGrains.Storage;

[GenerateSerializer, Alias("kg.StorageProbeState")]
public sealed class StorageProbeState;

public sealed class StorageProbeGrain(
    [PersistentState("probe", GrainStorage.Name)] IPersistentState<StorageProbeState> state) : Grain, IStorageProbeGrain
{
    public Task Probe() => state.ReadStateAsync();
}
