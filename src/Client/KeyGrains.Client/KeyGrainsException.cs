using System.Net;

namespace KeyGrains.Client;

/// <summary>
/// A problem-details answer (RFC 9457) from KeyGrains: the HTTP status and the contract's stable
/// <see cref="Code"/> (<c>validation_failed</c>, <c>not_found</c>, <c>key_limit_reached</c>, ...).
/// </summary>
public sealed class KeyGrainsException(HttpStatusCode status, string code, string? detail, IReadOnlyDictionary<string, string[]>? errors, TimeSpan? retryAfter)
    : Exception($"KeyGrains answered {(int)status} {code}: {detail}")
{
    public HttpStatusCode Status { get; } = status;

    public string Code { get; } = code;

    public string? Detail { get; } = detail;

    /// <summary>On <c>validation_failed</c>: member name to messages.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors ?? new Dictionary<string, string[]>();

    /// <summary>On 429 and 503: when to try again.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
