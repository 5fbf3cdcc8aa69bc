using System.Net;
using CsCheck;
using KeyGrains.WebApi.Security;

namespace KeyGrains.Security.Tests;

/// <summary>
/// An IPv4 address has one spelling: four decimal numbers without leading zeros. Every other
/// spelling that inet_aton or .NET's <see cref="IPAddress.TryParse(string, out IPAddress)"/> takes
/// (octal <c>010</c>, hexadecimal <c>0x0a</c>, short <c>10.1</c>, one integer) is refused, because
/// a reader and the matcher would disagree on what it means: <c>010.0.0.0/8</c> was 8.0.0.0/8.
/// </summary>
public sealed class StrictAddressProperties
{
    private const int Iterations = 20_000;

    /// <summary>The address <paramref name="b"/> written any way but the dotted quad of decimals.</summary>
    internal static readonly Gen<string> OtherIPv4Spelling =
        Gen.Select(Gen.Byte.Array[4], Gen.Int[0, 3], Gen.Int[0, 5]).Select((b, i, how) => how switch
        {
            0 => Quad(b, i, o => "0" + o),
            1 => Quad(b, i, o => "0x" + o.ToString("x")),
            2 => $"{b[0]}.{b[1]}.{(b[2] << 8) | b[3]}",
            3 => $"{b[0]}.{(b[1] << 16) | (b[2] << 8) | b[3]}",
            4 => Integer(b).ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => "0x" + Integer(b).ToString("x8"),
        });

    [Fact]
    public void DottedQuad_ParsesToItsOctets_AndIsItsOwnCanonicalForm()
    {
        Gen.Select(Gen.Byte.Array[4], Gen.Int[0, 32]).Sample((b, prefix) =>
        {
            var text = string.Join('.', b);
            var block = $"{string.Join('.', IpRuleProperties.Mask(b, prefix))}/{prefix}";
            return Validation.TryParseAddress(text, out var address)
                && address.GetAddressBytes().SequenceEqual(b)
                && Validation.TryParseIpRule(text, out var single)
                && Validation.CanonicalIpRule(single) == text
                && Validation.TryParseIpRule(block, out var network)
                && Validation.CanonicalIpRule(network) == (prefix == 32 ? text : block)
                && Rules.AllowedIps([text, block]).SequenceEqual(prefix == 32 ? [text] : [text, block]);
        }, iter: Iterations);
    }

    [Fact]
    public void OtherIPv4Spellings_AreRefused_AsAddressRuleAndBlock()
    {
        Gen.Select(OtherIPv4Spelling, Gen.Int[0, 32]).Sample((spelling, prefix) =>
            !Validation.TryParseAddress(spelling, out _)
            && !Validation.TryParseIpRule(spelling, out _)
            && !Validation.TryParseIpRule($"{spelling}/{prefix}", out _)
            && (!spelling.Contains('.') || !Validation.TryParseAddress($"::ffff:{spelling}", out _))
            && Rules.AllowedIpsProblem(["10.0.0.0/8", spelling]) is not null,
            iter: Iterations);
    }

    [Fact]
    public void OtherIPv4Spellings_InAddressSettings_FailNamingTheSetting()
    {
        var validator = new SecurityOptionsValidator();
        OtherIPv4Spelling.Sample(spelling =>
        {
            var proxies = validator.Validate(null, new SecurityOptions { TrustedProxies = [spelling] });
            var exempt = validator.Validate(null, new SecurityOptions { Throttling = new() { ExemptNetworks = ["10.0.0.0/8", spelling] } });
            return proxies.Failed && proxies.FailureMessage.StartsWith($"Security:TrustedProxies: '{spelling}'", StringComparison.Ordinal)
                && exempt.Failed && exempt.FailureMessage.StartsWith($"Security:Throttling:ExemptNetworks: '{spelling}'", StringComparison.Ordinal);
        }, iter: 2_000);
    }

    [Fact]
    public void BlockWithHostBitsSet_IsRefused_NamingTheBlockItLiesIn()
    {
        Gen.Select(Gen.Byte.Array[4], Gen.Int[0, 32]).Sample((b, prefix) =>
        {
            var masked = $"{string.Join('.', IpRuleProperties.Mask(b, prefix))}/{prefix}";
            var typed = $"{string.Join('.', b)}/{prefix}";
            var hostBits = masked != typed;
            return Validation.TryParseIpRule(typed, out _) == !hostBits
                && (Rules.IpRuleProblem(typed) is { } problem
                    ? hostBits && problem.EndsWith($"did you mean {masked}?", StringComparison.Ordinal)
                    : !hostBits);
        }, iter: Iterations);
    }

    [Fact]
    public void IPv6_IsCanonicalLowerCaseCompressed_WhateverTheSpelling()
    {
        Gen.Select(Gen.Byte.Array[16], Gen.Int[0, 128]).Sample((b, prefix) =>
        {
            var masked = new IPAddress(IpRuleProperties.Mask(b, prefix));
            if (masked.IsIPv4MappedToIPv6)
            {
                return true;
            }

            var expected = prefix == 128 ? masked.ToString() : $"{masked}/{prefix}";
            var expanded = string.Join(':', masked.GetAddressBytes().Chunk(2).Select(Convert.ToHexString));
            var typed = prefix == 128 ? expanded : $"{expanded}/{prefix}";
            return Validation.TryParseIpRule(typed, out var rule)
                && Validation.CanonicalIpRule(rule) == expected
                && Validation.TryParseIpRule(expected, out var again)
                && Validation.CanonicalIpRule(again) == expected;
        }, iter: Iterations);
    }

    [Theory]
    [InlineData("10.0.0.0/08")]
    [InlineData("10.0.0.0/+8")]
    [InlineData("10.0.0.0/ 8")]
    [InlineData("10.0.0.0/8 ")]
    [InlineData("10.0.0.0/0x8")]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.0/")]
    [InlineData("10.0.0.0/8/8")]
    [InlineData("::/129")]
    [InlineData("::/0128")]
    [InlineData("fe80::1%eth0")]
    [InlineData("fe80::/64%1")]
    [InlineData("[::1]")]
    [InlineData("[::1]:80")]
    [InlineData(" 10.0.0.1")]
    [InlineData("10.0.0.1.")]
    [InlineData("1.2.3.4.5")]
    [InlineData("256.0.0.1")]
    [InlineData("::ffff:010.0.0.1")]
    [InlineData("::ffff:10.0.0.010")]
    public void OtherNonStrictRules_AreRefused(string rule)
    {
        Assert.False(Validation.TryParseIpRule(rule, out _));
        Assert.NotNull(Rules.IpRuleProblem(rule));
    }

    [Theory]
    [InlineData("0.0.0.0/0", "0.0.0.0/0")]
    [InlineData("10.0.0.1/32", "10.0.0.1")]
    [InlineData("::ffff:10.0.0.0/104", "10.0.0.0/8")]
    [InlineData("::FFFF:192.0.2.1", "192.0.2.1")]
    [InlineData("2001:DB8:0:0::/32", "2001:db8::/32")]
    [InlineData("::/0", "::/0")]
    public void Rule_IsStoredInItsCanonicalForm(string typed, string canonical) =>
        Assert.Equal([canonical], Rules.AllowedIps([typed]));

    private static string Quad(byte[] b, int i, Func<byte, string> write) =>
        string.Join('.', b.Select((o, j) => j == i ? write(o) : o.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static uint Integer(byte[] b) => (uint)((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]);
}
