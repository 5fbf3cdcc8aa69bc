namespace KeyGrains.Keys;

[GenerateSerializer, Alias("kg.ApiKeyState")]
public sealed class ApiKeyState
{
    [Id(0)] public KeyRecord? Record { get; set; }

    /// <summary>
    /// Set when the key was removed: the organization's version at the removal. A record no newer
    /// than it (a change that arrives late) is refused, so a removed key cannot come back.
    /// </summary>
    [Id(1)] public long? RemovedAtVersion { get; set; }
}
