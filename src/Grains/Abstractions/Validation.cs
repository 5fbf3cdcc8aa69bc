using System.Net;
using System.Net.Sockets;

namespace KeyGrains;

/// <summary>
/// The contract's input rules, shared by the web API (which answers 400 before any grain call)
/// and the grains (which re-check their own invariants).
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
        if (string.IsNullOrWhiteSpace(text) || text.Length > 64)
        {
            return false;
        }

        if (text.Contains('/'))
        {
            if (!IPNetwork.TryParse(text, out var parsed))
            {
                return false;
            }

            network = Normalize(parsed);
            return true;
        }

        if (!IPAddress.TryParse(text, out var address) || text.Contains('%'))
        {
            return false;
        }

        address = Normalize(address);
        network = new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
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

    private static readonly System.Buffers.SearchValues<char> OrgIdChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    private static readonly System.Buffers.SearchValues<char> RoleNameChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789_.-");
}
