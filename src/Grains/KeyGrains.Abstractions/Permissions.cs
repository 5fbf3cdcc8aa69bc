namespace KeyGrains;

/// <summary>
/// Permissions are <c>resource:action</c>. A granted pattern may use <c>*</c> for either part, or be
/// <c>*</c> alone; a requested permission is always concrete.
/// </summary>
public static class Permissions
{
    public const int MaxPartLength = 64;

    public static bool IsValidPattern(string? permission) => IsValid(permission, allowWildcard: true);

    public static bool IsValidConcrete(string? permission) => IsValid(permission, allowWildcard: false);

    /// <summary>True when <paramref name="pattern"/> grants the concrete <paramref name="requested"/>.</summary>
    public static bool Grants(ReadOnlySpan<char> pattern, ReadOnlySpan<char> requested)
    {
        if (pattern is "*")
        {
            return true;
        }

        var p = pattern.IndexOf(':');
        var r = requested.IndexOf(':');
        if (p < 0 || r < 0)
        {
            return false;
        }

        return PartMatches(pattern[..p], requested[..r]) && PartMatches(pattern[(p + 1)..], requested[(r + 1)..]);
    }

    /// <summary>True when some pattern in <paramref name="granted"/> grants <paramref name="requested"/>.</summary>
    public static bool AnyGrants(string[] granted, string requested)
    {
        foreach (var pattern in granted)
        {
            if (Grants(pattern, requested))
            {
                return true;
            }
        }

        return false;
    }

    private static bool PartMatches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> value) =>
        pattern is "*" || pattern.SequenceEqual(value);

    private static bool IsValid(string? permission, bool allowWildcard)
    {
        if (string.IsNullOrEmpty(permission))
        {
            return false;
        }

        if (permission == "*")
        {
            return allowWildcard;
        }

        var colon = permission.IndexOf(':');
        return colon > 0
            && IsValidPart(permission.AsSpan(0, colon), allowWildcard)
            && IsValidPart(permission.AsSpan(colon + 1), allowWildcard);
    }

    private static bool IsValidPart(ReadOnlySpan<char> part, bool allowWildcard)
    {
        if (part is "*")
        {
            return allowWildcard;
        }

        if (part.Length is 0 or > MaxPartLength)
        {
            return false;
        }

        foreach (var c in part)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
