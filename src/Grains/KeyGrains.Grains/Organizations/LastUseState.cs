namespace KeyGrains.Organizations;

/// <summary>
/// When each of an organization's keys was last used, as the nodes report it: a state of its own
/// beside the organization's, so the minutely save of last use writes a key id and a time per key
/// rather than the whole organization (its records, roles and audit outbox) again, and a replica
/// region receives that much.
/// </summary>
[GenerateSerializer, Alias("kg.LastUseState")]
public sealed class LastUseState
{
    /// <summary>The state's name in grain storage (<c>orleans_grain_state.grain_type</c>).</summary>
    public const string Name = "lastuse";

    [Id(0)] public Dictionary<string, DateTimeOffset> At { get; set; } = new(StringComparer.Ordinal);
}
