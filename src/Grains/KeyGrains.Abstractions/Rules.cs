namespace KeyGrains;

/// <summary>
/// The contract's input rules, each written once with its one message. Every rule has two forms:
/// <c>XProblem</c> answers the message (or null when the value is fine), for the web API, which
/// collects every failing member before any grain call; <c>X</c> throws
/// <see cref="DomainException.Invalid"/> with that message, for the grain re-checking its own state.
/// </summary>
public static class Rules
{
    public static string OrgName(string? name) => Checked("name", name, OrgNameProblem(name))!;

    public static string? OrgNameProblem(string? name) =>
        name is { Length: >= 1 and <= Validation.MaxOrgNameLength } && !string.IsNullOrWhiteSpace(name) && !Validation.ContainsControlCharacters(name)
            ? null
            : $"The name must be 1 to {Validation.MaxOrgNameLength} characters, not all blank, without control characters.";

    public static string? OrgIdProblem(string? id) =>
        Validation.IsValidOrgId(id) ? null : "An organization id is 3 to 63 of a-z, 0-9 and '-'.";

    public static Plan Plan(Plan plan) => Checked("plan", plan, PlanProblem(plan));

    public static string? PlanProblem(Plan plan) =>
        Enum.IsDefined(plan) ? null : "The plan must be free, standard or enterprise.";

    public static string PlanName(Plan plan) => plan.ToString().ToLowerInvariant();

    public static int KeyLimit(int limit) => Checked("keyLimit", limit, KeyLimitProblem(limit));

    public static string? KeyLimitProblem(int limit) =>
        limit is >= Validation.MinKeyLimit and <= Validation.MaxKeyLimit
            ? null
            : $"The key limit must be between {Validation.MinKeyLimit} and {Validation.MaxKeyLimit}.";

    /// <summary>A key's name is optional: absent is the empty name.</summary>
    public static string KeyName(string? name) => Checked("name", name, KeyNameProblem(name)) ?? "";

    public static string? KeyNameProblem(string? name) => TextProblem("The name", name, Validation.MaxKeyNameLength);

    public static string? Description(string? description) => Checked("description", description, DescriptionProblem(description));

    public static string? DescriptionProblem(string? description) =>
        TextProblem("The description", description, Validation.MaxDescriptionLength);

    /// <summary>Optional text: null passes; otherwise at most <paramref name="max"/> characters without control characters.</summary>
    public static string? TextProblem(string what, string? text, int max) =>
        text is null || (text.Length <= max && !Validation.ContainsControlCharacters(text))
            ? null
            : $"{what} must be at most {max} characters without control characters.";

    public static DateTimeOffset ExpiresAt(DateTimeOffset expiresAt, DateTimeOffset now) =>
        Checked("expiresAt", expiresAt, ExpiresAtProblem(expiresAt, now));

    public static string? ExpiresAtProblem(DateTimeOffset expiresAt, DateTimeOffset now) =>
        expiresAt > now ? null : "The expiry must be in the future.";

    /// <summary>The rules in canonical form, without repeats; absent or empty is "any address".</summary>
    /// <remarks>
    /// Stored canonical (<see cref="Validation.CanonicalIpRule"/>), so a list shows each rule once and
    /// as it matches: an address typed alone stays an address, <c>2001:DB8::/32</c> reads <c>2001:db8::/32</c>.
    /// </remarks>
    public static string[] AllowedIps(string[]? rules) =>
        Checked("allowedIps", rules, AllowedIpsProblem(rules)) is { } valid ? [.. valid.Select(CanonicalIpRule).Distinct(StringComparer.Ordinal)] : [];

    public static string? AllowedIpsProblem(string[]? rules)
    {
        if (rules is null)
        {
            return null;
        }

        if (rules.Length > Validation.MaxAllowedIps)
        {
            return $"At most {Validation.MaxAllowedIps} addresses or CIDR blocks are allowed.";
        }

        foreach (var rule in rules)
        {
            if (IpRuleProblem(rule) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    /// <summary>One address or CIDR block, for <c>allowedIps</c> and for the settings that take them.</summary>
    public static string? IpRuleProblem(string? rule)
    {
        if (!Validation.TryReadIpRule(rule, out var block, out var hostBitsSet))
        {
            return $"'{Quoted(rule)}' is not an IPv4 or IPv6 address or CIDR block. {IpAddressShape}";
        }

        // Taking 10.1.2.3/8 as 10.0.0.0/8 silently would allow far more callers than the admin may think.
        return hostBitsSet ? $"'{Quoted(rule)}' has host bits set; did you mean {Validation.CanonicalIpRule(block)}?" : null;
    }

    /// <summary>What an address must look like, for every message about one.</summary>
    public const string IpAddressShape =
        "An IPv4 address is four decimal numbers from 0 to 255 without leading zeros (10.0.0.1); an IPv6 address has no zone.";

    private static string CanonicalIpRule(string rule) =>
        Validation.TryParseIpRule(rule, out var network) ? Validation.CanonicalIpRule(network) : throw new ArgumentException("Only a checked rule has a canonical form.", nameof(rule));

    public static int GracePeriod(int seconds) => Checked("gracePeriodSeconds", seconds, GracePeriodProblem(seconds));

    public static string? GracePeriodProblem(int seconds) =>
        seconds is >= 0 and <= Validation.MaxGracePeriodSeconds
            ? null
            : $"The grace period must be between 0 and {Validation.MaxGracePeriodSeconds} seconds.";

    public static string RoleName(string? name) => Checked("name", name, RoleNameProblem(name))!;

    public static string? RoleNameProblem(string? name) =>
        Validation.IsValidRoleName(name) ? null : RoleNameShape;

    /// <summary>The roles a key holds: 1 to 20 names of the role-name shape (whether they exist is the grain's to say).</summary>
    public static string? KeyRolesProblem(string[]? roles)
    {
        if (roles is null || roles.Length is 0 or > Validation.MaxRolesPerKey)
        {
            return $"A key needs 1 to {Validation.MaxRolesPerKey} roles.";
        }

        return Array.TrueForAll(roles, Validation.IsValidRoleName) ? null : RoleNameShape;
    }

    /// <summary>The permissions a role grants, without repeats.</summary>
    public static string[] RolePermissions(string[]? permissions) =>
        [.. Checked("permissions", permissions, RolePermissionsProblem(permissions))!.Distinct(StringComparer.Ordinal)];

    public static string? RolePermissionsProblem(string[]? permissions)
    {
        if (permissions is null || permissions.Length is 0 or > Validation.MaxPermissionsPerRole)
        {
            return $"A role grants 1 to {Validation.MaxPermissionsPerRole} permissions.";
        }

        foreach (var permission in permissions)
        {
            if (!Permissions.IsValidPattern(permission))
            {
                return $"'{Quoted(permission)}' is not '*' or 'resource:action', each part 1 to 64 of a-z, 0-9, '_', '-' or '*'.";
            }
        }

        return null;
    }

    /// <summary>
    /// The distinct permission patterns a key's roles grant together: at most 200, so that a
    /// verification answer stays small. Whether roles fit depends on their stored definitions, so
    /// the grain checks it; the web API answers the grain's refusal as it is.
    /// </summary>
    public static string[] KeyPermissions(string[] permissions) =>
        Checked("roles", permissions, KeyPermissionsProblem(permissions.Length));

    /// <summary><paramref name="keyId"/> names the key when a role changed under it rather than its own roles.</summary>
    public static string? KeyPermissionsProblem(int distinct, string? keyId = null) =>
        distinct <= Validation.MaxPermissionsPerKey
            ? null
            : $"A key's roles may grant at most {Validation.MaxPermissionsPerKey} distinct permission patterns in all; "
                + $"{(keyId is null ? "these roles" : $"the roles of key '{keyId}'")} would grant {distinct}.";

    private const string RoleNameShape = "A role name is 1 to 64 of a-z, 0-9, '_', '.', '-', starting with a letter or digit.";

    private static T Checked<T>(string field, T value, string? problem) =>
        problem is null ? value : throw DomainException.Invalid(field, problem);

    /// <summary>An entry quoted back to the client, cut short: it is the client's own input, but may be long.</summary>
    private static string? Quoted(string? text) => text is { Length: > 70 } ? text[..70] + "…" : text;
}
