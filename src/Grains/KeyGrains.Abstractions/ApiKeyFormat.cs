using System.Security.Cryptography;

namespace KeyGrains;

/// <summary>
/// The presented key: <c>kg_&lt;id&gt;_&lt;secret&gt;&lt;tag&gt;</c>. The public id routes the
/// verification to its grain; the secret is 256 bits from the CSPRNG in base62; the tag (6 base62
/// characters over everything before it) is written by a <see cref="KeyTagger"/>: a MAC under a
/// server-side secret, so a mistyped or forged key is refused before any grain call.
/// </summary>
public static class ApiKeyFormat
{
    public const string Prefix = "kg_";
    public const int IdLength = 16;
    public const int SecretLength = 43;
    public const int TagLength = 6;
    public const int Length = 3 + IdLength + 1 + SecretLength + TagLength;

    private const string IdAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>A fresh public key id: 16 lowercase letters and digits (about 82 bits).</summary>
    public static string NewId() => RandomNumberGenerator.GetString(IdAlphabet, IdLength);

    /// <summary>A whole new key for <paramref name="keyId"/>, tagged by <paramref name="tagger"/>; 43 base62 characters carry 256 bits.</summary>
    public static string NewKey(string keyId, KeyTagger tagger)
    {
        if (!IsValidId(keyId))
        {
            throw new ArgumentException("Not a key id.", nameof(keyId));
        }

        return string.Create(Length, (keyId, tagger), static (span, state) =>
        {
            Prefix.AsSpan().CopyTo(span);
            state.keyId.AsSpan().CopyTo(span[3..]);
            span[3 + IdLength] = '_';
            RandomNumberGenerator.GetItems(Base62.AsSpan(), span.Slice(4 + IdLength, SecretLength));
            state.tagger.WriteTag(span[..^TagLength], span[^TagLength..]);
        });
    }

    /// <summary>
    /// Checks the shape alone (prefix, id, alphabet, length) without allocating; on success
    /// <paramref name="keyId"/> is the id inside <paramref name="key"/>. Whether the tag is right is
    /// the <see cref="KeyTagger"/>'s to say.
    /// </summary>
    public static bool TryReadId(ReadOnlySpan<char> key, out ReadOnlySpan<char> keyId)
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
        Span<byte> bytes = stackalloc byte[Length];
        var count = Ascii(key, bytes);

        // One context per thread, reset by each use: the one-shot SHA256.HashData sets up and frees
        // a context through OpenSSL on every call, which cost as much as the hashing here. Nothing
        // awaits in between, so a thread's context is never shared.
        var sha = t_sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            sha.AppendData(bytes[..count]);
            sha.GetHashAndReset(destination);
        }
        catch
        {
            // A context left half-fed must never hash the next key.
            t_sha256 = null;
            sha.Dispose();
            throw;
        }
    }

    [ThreadStatic]
    private static IncrementalHash? t_sha256;

    private static readonly System.Buffers.SearchValues<char> IdValues = System.Buffers.SearchValues.Create(IdAlphabet);
    private static readonly System.Buffers.SearchValues<char> Base62Values = System.Buffers.SearchValues.Create(Base62);

    /// <summary>Writes <paramref name="value"/> as <see cref="TagLength"/> base62 characters.</summary>
    internal static void WriteBase62(uint value, Span<char> destination)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = Base62[(int)(value % 62)];
            value /= 62;
        }
    }

    /// <summary>The key's characters as ASCII bytes (a well-formed key is all ASCII).</summary>
    internal static int Ascii(ReadOnlySpan<char> text, Span<byte> destination) =>
        System.Text.Encoding.ASCII.GetBytes(text.Length <= Length ? text : text[..Length], destination);
}
