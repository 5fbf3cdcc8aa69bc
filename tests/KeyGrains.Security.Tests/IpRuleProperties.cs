using System.Net;
using System.Net.Sockets;
using CsCheck;

namespace KeyGrains.Security.Tests;

/// <summary>
/// The allowed-IP matcher (<see cref="Validation.TryParseIpRule"/>, then <see cref="IPNetwork.Contains"/>
/// on a normalized address) agrees with a reference computed bit by bit on the address bytes.
/// </summary>
public sealed class IpRuleProperties
{
    private const int Iterations = 20_000;

    /// <summary>A rule (bytes and prefix) and a candidate sharing a random number of leading bits with it.</summary>
    private static Gen<(byte[] Rule, int Prefix, byte[] Candidate)> Case(int length) =>
        Gen.Select(Gen.Byte.Array[length], Gen.Int[0, length * 8], Gen.Byte.Array[length], Gen.Int[0, length * 8])
            .Select((rule, prefix, noise, shared) => (Mask(rule, prefix), prefix, Splice(rule, noise, shared)));

    [Fact]
    public void TryParseIpRule_NeverThrows()
    {
        Gen.String.Sample(s => { Validation.TryParseIpRule(s, out _); }, iter: Iterations);
        var ipLike = Gen.String[Gen.Char["0123456789abcdefABCDEF.:/%-[] "], 0, 50];
        ipLike.Sample(s => { Validation.TryParseIpRule(s, out _); }, iter: Iterations);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(16)]
    public void CidrRule_AgreesWithTheBitwiseReference(int length)
    {
        Case(length).Sample((rule, prefix, candidate) =>
        {
            var text = $"{new IPAddress(rule)}/{prefix}";
            return Validation.TryParseIpRule(text, out var network)
                && network.Contains(Validation.Normalize(new IPAddress(candidate))) == SharesPrefix(rule, candidate, prefix);
        }, iter: Iterations);
    }

    [Fact]
    public void IPv4MappedRulesAndCallers_AreTheirIPv4Form()
    {
        Case(4).Sample((rule, prefix, candidate) =>
        {
            var mappedRule = $"{new IPAddress(rule).MapToIPv6()}/{prefix + 96}";
            var mappedCaller = Validation.Normalize(new IPAddress(candidate).MapToIPv6());
            var expected = SharesPrefix(rule, candidate, prefix);
            return Validation.TryParseIpRule(mappedRule, out var network)
                && network.BaseAddress.AddressFamily == AddressFamily.InterNetwork
                && network.Contains(mappedCaller) == expected
                && Validation.TryParseIpRule($"{new IPAddress(rule)}/{prefix}", out var plain)
                && plain.Contains(mappedCaller) == expected;
        }, iter: Iterations);
    }

    [Fact]
    public void SingleAddressRule_MatchesExactlyThatAddress()
    {
        Gen.Select(Gen.OneOf(Gen.Byte.Array[4], Gen.Byte.Array[16]), Gen.Int[0, 127]).Sample((bytes, bit) =>
        {
            var address = new IPAddress(bytes);
            var other = (byte[])bytes.Clone();
            other[bit / 8 % bytes.Length] ^= (byte)(1 << (bit % 8));
            return Validation.TryParseIpRule(address.ToString(), out var network)
                && network.Contains(Validation.Normalize(address))
                && !network.Contains(Validation.Normalize(new IPAddress(other)));
        }, iter: Iterations);
    }

    [Fact]
    public void RulesOfOneFamily_NeverMatchTheOther()
    {
        Gen.Select(Gen.Byte.Array[4], Gen.Byte.Array[16], Gen.Int[0, 32]).Sample((v4, v6, prefix) =>
        {
            var v6Address = new IPAddress(v6);
            if (v6Address.IsIPv4MappedToIPv6)
            {
                return true;
            }

            return Validation.TryParseIpRule($"{new IPAddress(Mask(v4, prefix))}/{prefix}", out var v4Network)
                && !v4Network.Contains(v6Address)
                && Validation.TryParseIpRule($"{new IPAddress(Mask(v6, prefix))}/{prefix}", out var v6Network)
                && !v6Network.Contains(new IPAddress(v4));
        }, iter: Iterations);
    }

    private static bool SharesPrefix(byte[] a, byte[] b, int bits)
    {
        for (var i = 0; i < bits; i++)
        {
            if (Bit(a, i) != Bit(b, i))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Bit(byte[] bytes, int i) => (bytes[i / 8] & (0x80 >> (i % 8))) != 0;

    internal static byte[] Mask(byte[] bytes, int prefix)
    {
        var masked = new byte[bytes.Length];
        for (var i = 0; i < prefix; i++)
        {
            if (Bit(bytes, i))
            {
                masked[i / 8] |= (byte)(0x80 >> (i % 8));
            }
        }

        return masked;
    }

    /// <summary>The first <paramref name="shared"/> bits of <paramref name="rule"/>, then <paramref name="noise"/>.</summary>
    private static byte[] Splice(byte[] rule, byte[] noise, int shared)
    {
        var result = (byte[])noise.Clone();
        for (var i = 0; i < shared; i++)
        {
            var mask = (byte)(0x80 >> (i % 8));
            result[i / 8] = (byte)(Bit(rule, i) ? result[i / 8] | mask : result[i / 8] & ~mask);
        }

        return result;
    }
}
