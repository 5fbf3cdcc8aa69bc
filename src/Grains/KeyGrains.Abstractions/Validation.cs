using System.Net;
using System.Net.Sockets;

namespace KeyGrains;

/// <summary>
/// The contract's limits and the shapes of ids and addresses, as plain predicates and parsers.
/// The rules built on them, with their messages, are in <see cref="Rules"/>.
/// </summary>
public static class Validation
{
    public const int MaxOrgNameLength = 100;
    public const int MaxKeyNameLength = 100;
    public const int MaxDescriptionLength = 500;
    public const int MinKeyLimit = 1;
    public const int MaxKeyLimit = 1000;
    public const int MaxRolesPerKey = 20;
    public const int MaxAllowedIps = 100;
    public const int MaxPermissionsPerRole = 100;
    public const int MaxPermissionsPerKey = 200;
    public const int MaxGracePeriodSeconds = 86_400;

    /// <summary>3–63 of <c>[a-z0-9-]</c>.</summary>
    public static bool IsValidOrgId(string? id) =>
        id is { Length: >= 3 and <= 63 } && id.AsSpan().IndexOfAnyExcept(OrgIdChars) < 0;

    /// <summary><c>[a-z0-9][a-z0-9_.-]{0,63}</c>.</summary>
    public static bool IsValidRoleName(string? name) =>
        name is { Length: >= 1 and <= 64 }
        && (char.IsAsciiLetterLower(name[0]) || char.IsAsciiDigit(name[0]))
        && name.AsSpan().IndexOfAnyExcept(RoleNameChars) < 0;

    /// <summary>U+0000–U+001F and U+007F are refused in names and descriptions.</summary>
    public static bool ContainsControlCharacters(string? text) =>
        text is not null && (text.AsSpan().IndexOfAnyInRange('\u0000', '\u001f') >= 0 || text.Contains('\u007f'));

    /// <summary>
    /// An allowed-IP rule: an address or a CIDR block, IPv4 or IPv6. An IPv4-mapped IPv6 rule is
    /// turned into its IPv4 form, so that it matches the same callers as the IPv4 rule would.
    /// </summary>
    public static bool TryParseIpRule(string? text, out IPNetwork network)
    {
        network = default;
        if (text is null || text.Length > 64)
        {
            return false;
        }

        var slash = text.IndexOf('/');
        if (!TryParseAddress(slash < 0 ? text : text[..slash], out var address))
        {
            return false;
        }

        if (slash < 0)
        {
            network = new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        if (!IPNetwork.TryParse(text, out var parsed))
        {
            return false;
        }

        network = Normalize(parsed);
        return true;
    }

    /// <summary>
    /// A plain IPv4 dotted quad or an IPv6 address without a zone, normalized. Stricter than
    /// <see cref="IPAddress.TryParse(string, out IPAddress)"/>, which takes "10" as 0.0.0.10.
    /// </summary>
    public static bool TryParseAddress(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (string.IsNullOrEmpty(text) || text.Length > 45 || text.Contains('%') || !IPAddress.TryParse(text, out var parsed))
        {
            return false;
        }

        if (parsed.AddressFamily == AddressFamily.InterNetwork && !IsDottedQuad(text))
        {
            return false;
        }

        address = Normalize(parsed);
        return true;
    }

    /// <summary>An IPv4-mapped IPv6 address counts as its IPv4 form.</summary>
    public static IPAddress Normalize(IPAddress address) =>
        address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static IPNetwork Normalize(IPNetwork network)
    {
        var b = network.BaseAddress;
        return b.IsIPv4MappedToIPv6 && network.PrefixLength >= 96
            ? new IPNetwork(b.MapToIPv4(), network.PrefixLength - 96)
            : network;
    }

    private static bool IsDottedQuad(string text)
    {
        var dots = 0;
        foreach (var c in text)
        {
            if (c == '.')
            {
                dots++;
            }
            else if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return dots == 3;
    }

    private static readonly System.Buffers.SearchValues<char> OrgIdChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    private static readonly System.Buffers.SearchValues<char> RoleNameChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789_.-");
}
