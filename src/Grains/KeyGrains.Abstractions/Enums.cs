namespace KeyGrains;

public enum Plan
{
    Free = 0,
    Standard = 1,
    Enterprise = 2,
}

public enum KeyStatus
{
    Active = 0,
    Revoked = 1,
    Expired = 2,
}

/// <summary>Which keys a list returns; <see cref="All"/> is the default.</summary>
public enum KeyStatusFilter
{
    All = 0,
    Active = 1,
    Revoked = 2,
    Expired = 3,
}

/// <summary>The closed set of verification outcomes, in the order the checks run.</summary>
public enum VerifyCode
{
    Valid = 0,
    NotFound = 1,
    Revoked = 2,
    Expired = 3,
    IpNotAllowed = 4,
    InsufficientPermissions = 5,
}
