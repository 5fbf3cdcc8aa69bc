using System.Security.Cryptography;
using System.Text;

namespace KeyGrains.WebApi.Auth;

/// <summary>The operator token's SHA-256, held in memory once known; the token itself never is.</summary>
public sealed class OperatorCredential
{
    public const string Prefix = "kgop_";
    private const int MaxTokenBytes = 1024;

    private byte[]? _hash;

    public bool IsReady => Volatile.Read(ref _hash) is not null;

    public void SetHash(byte[] hash) => Volatile.Write(ref _hash, hash);

    public bool Matches(string token)
    {
        var expected = Volatile.Read(ref _hash);
        if (expected is null || token.Length == 0 || Encoding.UTF8.GetMaxByteCount(token.Length) > MaxTokenBytes * 4)
        {
            return false;
        }

        Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
        Hash(token, actual);

        // Constant time: the comparison must not tell an attacker how many bytes matched.
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    public static byte[] Hash(string token)
    {
        var hash = new byte[SHA256.HashSizeInBytes];
        Hash(token, hash);
        return hash;
    }

    /// <summary>A new token: the prefix and 256 bits from the CSPRNG in base62.</summary>
    public static string NewToken() =>
        Prefix + RandomNumberGenerator.GetString("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 43);

    private static void Hash(string token, Span<byte> destination) =>
        SHA256.HashData(Encoding.UTF8.GetBytes(token), destination);
}
