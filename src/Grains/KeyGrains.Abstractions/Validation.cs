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
    /// An allowed-IP rule: an address or a CIDR block, IPv4 or IPv6, in the strict shapes of
    /// <see cref="TryParseAddress"/>, with a decimal prefix without leading zeros and no host bits
    /// set. An IPv4-mapped IPv6 rule is turned into its IPv4 form, so that it matches the same
    /// callers as the IPv4 rule would.
    /// </summary>
    public static bool TryParseIpRule(string? text, out IPNetwork network) =>
        TryReadIpRule(text, out network, out var hostBitsSet) && !hostBitsSet;

    /// <summary>
    /// <see cref="TryParseIpRule"/> without the host-bits check: <c>10.1.2.3/8</c> reads as the block
    /// it lies in, <c>10.0.0.0/8</c>, with <paramref name="hostBitsSet"/>, so a refusal can name that block.
    /// </summary>
    public static bool TryReadIpRule(string? text, out IPNetwork block, out bool hostBitsSet)
    {
        block = default;
        hostBitsSet = false;
        if (text is null || text.Length > 64)
        {
            return false;
        }

        var slash = text.IndexOf('/');
        if (!TryParseStrict(slash < 0 ? text : text[..slash], out var address))
        {
            return false;
        }

        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = bits;
        if (slash >= 0 && !TryParseDecimal(text.AsSpan(slash + 1), bits, out prefix))
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6 && prefix >= 96)
        {
            address = address.MapToIPv4();
            prefix -= 96;
        }

        var bytes = address.GetAddressBytes();
        var masked = MaskedTo(bytes, prefix);
        hostBitsSet = !bytes.AsSpan().SequenceEqual(masked);
        block = new IPNetwork(new IPAddress(masked), prefix);
        return true;
    }

    /// <summary>
    /// A rule's one written form: an address alone when the block is one address (<c>10.0.0.1</c>,
    /// never <c>10.0.0.1/32</c>), otherwise <c>address/prefix</c>; IPv6 lower-case and compressed.
    /// Two rules that match the same callers have the same canonical form.
    /// </summary>
    public static string CanonicalIpRule(IPNetwork rule) =>
        rule.PrefixLength == (rule.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? 32 : 128)
            ? rule.BaseAddress.ToString()
            : rule.ToString();

    /// <summary>
    /// An IPv4 dotted quad of decimal numbers 0–255 without leading zeros, or an IPv6 address
    /// without a zone or brackets, normalized. Stricter than <see cref="IPAddress.TryParse(string, out IPAddress)"/>,
    /// which reads "10" as 0.0.0.10, "010.0.0.1" as 8.0.0.1 (octal) and "0x0a.0.0.1" as 10.0.0.1, and
    /// takes "[::1]:80": an address must mean to a reader what it means to the matcher.
    /// </summary>
    public static bool TryParseAddress(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? address)
    {
        address = TryParseStrict(text, out var parsed) ? Normalize(parsed) : null;
        return address is not null;
    }

    /// <summary>An IPv4-mapped IPv6 address counts as its IPv4 form.</summary>
    public static IPAddress Normalize(IPAddress address) =>
        address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static bool TryParseStrict(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (string.IsNullOrEmpty(text) || text.Length > 45)
        {
            return false;
        }

        if (!text.Contains(':'))
        {
            return TryParseDottedQuad(text, out address);
        }

        // An embedded IPv4 part (::ffff:10.0.0.1) is held to the dotted quad too: .NET takes ::ffff:10.0.0.010.
        if (text.AsSpan().IndexOfAnyExcept(IPv6Chars) >= 0
            || (text.Contains('.') && !TryParseDottedQuad(text[(text.LastIndexOf(':') + 1)..], out _))
            || !IPAddress.TryParse(text, out var parsed)
            || parsed.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        address = parsed;
        return true;
    }

    private static bool TryParseDottedQuad(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        Span<byte> bytes = stackalloc byte[4];
        var rest = text.AsSpan();
        for (var i = 0; i < 4; i++)
        {
            var dot = rest.IndexOf('.');
            var part = i < 3 ? (dot < 0 ? [] : rest[..dot]) : rest;
            if ((i < 3 && dot < 0) || !TryParseDecimal(part, 255, out var octet))
            {
                return false;
            }

            bytes[i] = (byte)octet;
            rest = i < 3 ? rest[(dot + 1)..] : [];
        }

        address = new IPAddress(bytes);
        return true;
    }

    /// <summary>0 to <paramref name="max"/> in ASCII decimal digits, without sign, spaces or a leading zero ("0" itself is fine).</summary>
    private static bool TryParseDecimal(ReadOnlySpan<char> digits, int max, out int value)
    {
        value = 0;
        if (digits.IsEmpty || digits.Length > 3 || (digits.Length > 1 && digits[0] == '0'))
        {
            return false;
        }

        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return value <= max;
    }

    private static byte[] MaskedTo(byte[] bytes, int prefix)
    {
        var masked = new byte[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            masked[i] = (byte)(bytes[i] & (0xff00 >> keep));
        }

        return masked;
    }

    private static readonly System.Buffers.SearchValues<char> IPv6Chars =
        System.Buffers.SearchValues.Create("0123456789abcdefABCDEF:.");

    private static readonly System.Buffers.SearchValues<char> OrgIdChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    private static readonly System.Buffers.SearchValues<char> RoleNameChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789_.-");
}
