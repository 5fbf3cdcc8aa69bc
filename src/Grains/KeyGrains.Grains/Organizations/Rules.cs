namespace KeyGrains.Organizations;

/// <summary>The organization grain's own check of its inputs; the web API checks the same first.</summary>
internal static class Rules
{
    public static string OrgName(string? name) =>
        name is { Length: >= 1 and <= Validation.MaxOrgNameLength } && !string.IsNullOrWhiteSpace(name) && !Validation.ContainsControlCharacters(name)
            ? name
            : throw DomainException.Invalid("name", "The name must be 1 to 100 characters without control characters.");

    public static Plan Plan(Plan plan) =>
        Enum.IsDefined(plan) ? plan : throw DomainException.Invalid("plan", "The plan must be free, standard or enterprise.");

    public static string PlanName(Plan plan) => plan.ToString().ToLowerInvariant();

    public static int KeyLimit(int limit) =>
        limit is >= Validation.MinKeyLimit and <= Validation.MaxKeyLimit
            ? limit
            : throw DomainException.Invalid("keyLimit", "The key limit must be between 1 and 1000.");

    public static string KeyName(string? name) =>
        name is null ? ""
        : name.Length <= Validation.MaxKeyNameLength && !Validation.ContainsControlCharacters(name) ? name
        : throw DomainException.Invalid("name", "The name must be at most 100 characters without control characters.");

    public static string? Description(string? description) =>
        description is null || (description.Length <= Validation.MaxDescriptionLength && !Validation.ContainsControlCharacters(description))
            ? description
            : throw DomainException.Invalid("description", "The description must be at most 500 characters without control characters.");

    public static DateTimeOffset ExpiresAt(DateTimeOffset expiresAt, DateTimeOffset now) =>
        expiresAt > now ? expiresAt : throw DomainException.Invalid("expiresAt", "The expiry must be in the future.");

    public static string[] AllowedIps(string[]? rules)
    {
        if (rules is null || rules.Length == 0)
        {
            return [];
        }

        if (rules.Length > Validation.MaxAllowedIps)
        {
            throw DomainException.Invalid("allowedIps", "At most 100 addresses or CIDR blocks are allowed.");
        }

        var normalized = new List<string>(rules.Length);
        foreach (var rule in rules)
        {
            if (!Validation.TryParseIpRule(rule, out _))
            {
                throw DomainException.Invalid("allowedIps", $"'{rule}' is not an IPv4 or IPv6 address or CIDR block.");
            }

            // Stored as typed, so a list shows what the admin entered; matching uses the parsed form.
            if (!normalized.Contains(rule))
            {
                normalized.Add(rule);
            }
        }

        return [.. normalized];
    }

    public static int GracePeriod(int seconds) =>
        seconds is >= 0 and <= Validation.MaxGracePeriodSeconds
            ? seconds
            : throw DomainException.Invalid("gracePeriodSeconds", "The grace period must be between 0 and 86400 seconds.");

    public static string RoleName(string? name) =>
        Validation.IsValidRoleName(name)
            ? name!
            : throw DomainException.Invalid("name", "A role name is 1 to 64 of a-z, 0-9, '_', '.', '-', starting with a letter or digit.");

    public static string[] RolePermissions(string[]? permissions)
    {
        if (permissions is null || permissions.Length is 0 or > Validation.MaxPermissionsPerRole)
        {
            throw DomainException.Invalid("permissions", "A role grants 1 to 100 permissions.");
        }

        var distinct = new List<string>(permissions.Length);
        foreach (var permission in permissions)
        {
            if (!Permissions.IsValidPattern(permission))
            {
                throw DomainException.Invalid("permissions", $"'{permission}' is not '*' or 'resource:action'.");
            }

            if (!distinct.Contains(permission))
            {
                distinct.Add(permission);
            }
        }

        return [.. distinct];
    }
}
