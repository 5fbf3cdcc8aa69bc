using System.IO.Hashing;
using System.Security.Cryptography;

namespace KeyGrains;

/// <summary>
/// The presented key: <c>kg_&lt;id&gt;_&lt;secret&gt;&lt;checksum&gt;</c>. The public id routes the
/// verification to its grain; the secret is 256 bits from the CSPRNG in base62; the checksum
/// (CRC-32 of everything before it, 6 base62 characters) refuses a mistyped key before any grain call.
/// </summary>
public static class ApiKeyFormat
{
    public const string Prefix = "kg_";
    public const int IdLength = 16;
    public const int SecretLength = 43;
    public const int ChecksumLength = 6;
    public const int Length = 3 + IdLength + 1 + SecretLength + ChecksumLength;

    private const string IdAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>A fresh public key id: 16 lowercase letters and digits (about 82 bits).</summary>
    public static string NewId() => RandomNumberGenerator.GetString(IdAlphabet, IdLength);

    /// <summary>A whole new key for <paramref name="keyId"/>; 43 base62 characters carry 256 bits.</summary>
    public static string NewKey(string keyId)
    {
        if (!IsValidId(keyId))
        {
            throw new ArgumentException("Not a key id.", nameof(keyId));
        }

        return string.Create(Length, keyId, static (span, id) =>
        {
            Prefix.AsSpan().CopyTo(span);
            id.AsSpan().CopyTo(span[3..]);
            span[3 + IdLength] = '_';
            RandomNumberGenerator.GetItems(Base62.AsSpan(), span.Slice(4 + IdLength, SecretLength));
            WriteChecksum(span[..^ChecksumLength], span[^ChecksumLength..]);
        });
    }

    /// <summary>
    /// Checks shape and checksum without allocating; on success <paramref name="keyId"/> is the id
    /// inside <paramref name="key"/>.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> key, out ReadOnlySpan<char> keyId)
    {
        keyId = default;
        if (key.Length != Length || !key.StartsWith(Prefix, StringComparison.Ordinal) || key[3 + IdLength] != '_')
        {
            return false;
        }

        var id = key.Slice(3, IdLength);
        if (!IsValidId(id) || key.Slice(4 + IdLength).ContainsAnyExcept(Base62Values))
        {
            return false;
        }

        Span<char> expected = stackalloc char[ChecksumLength];
        WriteChecksum(key[..^ChecksumLength], expected);
        if (!expected.SequenceEqual(key[^ChecksumLength..]))
        {
            return false;
        }

        keyId = id;
        return true;
    }

    public static bool IsValidId(ReadOnlySpan<char> id) =>
        id.Length == IdLength && !id.ContainsAnyExcept(IdValues);

    /// <summary>SHA-256 of the whole presented key: the only form in which a secret is kept.</summary>
    public static byte[] Hash(ReadOnlySpan<char> key)
    {
        var hash = new byte[SHA256.HashSizeInBytes];
        Hash(key, hash);
        return hash;
    }

    public static void Hash(ReadOnlySpan<char> key, Span<byte> destination)
    {
        // Every character of a well-formed key is ASCII, so one byte per character.
        Span<byte> bytes = stackalloc byte[Length];
        var count = System.Text.Encoding.ASCII.GetBytes(key.Length <= Length ? key : key[..Length], bytes);
        SHA256.HashData(bytes[..count], destination);
    }

    private static readonly System.Buffers.SearchValues<char> IdValues = System.Buffers.SearchValues.Create(IdAlphabet);
    private static readonly System.Buffers.SearchValues<char> Base62Values = System.Buffers.SearchValues.Create(Base62);

    private static void WriteChecksum(ReadOnlySpan<char> body, Span<char> destination)
    {
        Span<byte> bytes = stackalloc byte[Length];
        var count = System.Text.Encoding.ASCII.GetBytes(body, bytes);
        var crc = Crc32.HashToUInt32(bytes[..count]);
        for (var i = ChecksumLength - 1; i >= 0; i--)
        {
            destination[i] = Base62[(int)(crc % 62)];
            crc /= 62;
        }
    }
}
