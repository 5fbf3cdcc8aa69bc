namespace KeyGrains;

/// <summary>
/// Refused admin calls from one source against one organization within one period, counted by the
/// web API node that refused them and handed to the organization's audit log as one event.
/// </summary>
[GenerateSerializer, Immutable, Alias("kg.RefusalSummary")]
public sealed record RefusalSummary(
    [property: Id(0)] string Actor,
    [property: Id(1)] string? SourceIp,
    [property: Id(2)] string Target,
    [property: Id(3)] string Reason,
    [property: Id(4)] int Count,
    [property: Id(5)] DateTimeOffset FirstAt,
    [property: Id(6)] DateTimeOffset LastAt)
{
    /// <summary>A target longer than this is cut: a refused path must not grow the victim's log.</summary>
    public const int MaxTargetLength = 256;
}
