using Orleans.Storage;

namespace KeyGrains.Hosting.Regions;

/// <summary>
/// Grain storage of a replica region: reads everything, writes only region-local state. One
/// conflicting row stops logical replication for everything, so a replica's organization, key,
/// audit and operator grains cannot write a replicated row, whatever they try.
/// </summary>
public sealed class ReadOnlyReplicatedStorage(IGrainStorage inner) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Refuse(stateName, grainId) ?? inner.WriteStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Refuse(stateName, grainId) ?? inner.ClearStateAsync(stateName, grainId, grainState);

    private static Task? Refuse(string stateName, GrainId grainId) =>
        ReplicatedState.Names.Contains(stateName)
            ? Task.FromException(new ReplicaReadOnlyException($"A replica region does not write replicated state '{stateName}' of {grainId}; the primary region does."))
            : null;
}

/// <summary>A replica region refused to write a replicated row: an infrastructure refusal (503 at the edge), never data loss.</summary>
public sealed class ReplicaReadOnlyException(string message) : OrleansException(message);
