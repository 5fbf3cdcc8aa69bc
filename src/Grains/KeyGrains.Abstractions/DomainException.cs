namespace KeyGrains;

/// <summary>The stable problem codes of the REST contract that a grain can produce.</summary>
public enum ErrorCode
{
    ValidationFailed = 0,
    NotFound = 1,
    Conflict = 2,
    KeyLimitReached = 3,
    KeyRevoked = 4,
    PlanRestriction = 5,
}

/// <summary>
/// A rule refused the call. It crosses grain calls, and the web API maps it to problem details
/// by <see cref="Code"/>; <see cref="Field"/> names the request member at fault, if one is.
/// </summary>
[GenerateSerializer, Alias("kg.DomainException")]
public sealed class DomainException : Exception
{
    public DomainException(ErrorCode code, string message, string? field = null)
        : base(message)
    {
        Code = code;
        Field = field;
    }

    [Id(0)] public ErrorCode Code { get; }

    [Id(1)] public string? Field { get; }

    public static DomainException NotFound(string what) => new(ErrorCode.NotFound, what + " was not found.");

    public static DomainException Invalid(string field, string message) => new(ErrorCode.ValidationFailed, message, field);
}

/// <summary>
/// Grain storage could not be reached or failed. It crosses grain calls (a database driver's own
/// exception has no codec), so a caller can retry or answer 503; it never means "no such key".
/// </summary>
[GenerateSerializer, Alias("kg.StorageUnavailableException")]
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException(string message)
        : base(message)
    {
    }
}
