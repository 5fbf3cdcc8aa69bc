using System.IO.Hashing;
using System.Security.Cryptography;

namespace KeyGrains;

/// <summary>
/// Writes and checks the tag at the end of a key: the first 32 bits of HMAC-SHA256 over the rest of
/// the key under a server-side secret. Without the secret a well-formed key cannot be made up, so a
/// forged key costs an HMAC at the edge, never a grain activation or a storage read. New keys are
/// tagged with the newest secret; a key tagged with any of them is accepted, so a new secret can be
/// added without breaking keys already given out. Keys issued before tags existed carry a public
/// CRC-32 instead; they are accepted only when <paramref name="acceptLegacy"/> is set.
/// </summary>
public sealed class KeyTagger
{
    private readonly byte[][] _secrets;
    private readonly bool _acceptLegacy;

    public KeyTagger(IReadOnlyList<byte[]> secrets, bool acceptLegacy)
    {
        if (secrets.Count == 0 || secrets.Any(s => s.Length < 32))
        {
            throw new ArgumentException("At least one secret of 32 bytes or more is needed.", nameof(secrets));
        }

        _secrets = [.. secrets];
        _acceptLegacy = acceptLegacy;
    }

    private KeyTagger()
    {
        _secrets = [];
        _acceptLegacy = true;
    }

    /// <summary>
    /// The untagged format of keys issued before tags existed: a public CRC-32, which anybody can
    /// compute. Only for reading such keys (and for tests that need one).
    /// </summary>
    public static KeyTagger Legacy { get; } = new();

    public string NewKey(string keyId) => ApiKeyFormat.NewKey(keyId, this);

    /// <summary>
    /// True when <paramref name="key"/> is well-formed and its tag is right; then <paramref name="keyId"/>
    /// is its id. Allocates nothing; both the tag and the legacy checksum are compared in constant time.
    /// </summary>
    public bool TryParse(ReadOnlySpan<char> key, out ReadOnlySpan<char> keyId)
    {
        if (!ApiKeyFormat.TryReadId(key, out keyId))
        {
            return false;
        }

        Span<char> expected = stackalloc char[ApiKeyFormat.TagLength];
        var body = key[..^ApiKeyFormat.TagLength];
        var presented = key[^ApiKeyFormat.TagLength..];
        foreach (var secret in _secrets)
        {
            WriteMac(secret, body, expected);
            if (Same(expected, presented))
            {
                return true;
            }
        }

        if (_acceptLegacy)
        {
            WriteCrc(body, expected);
            if (Same(expected, presented))
            {
                return true;
            }
        }

        keyId = default;
        return false;
    }

    /// <summary>Writes the tag of <paramref name="body"/> (the key without its tag) under the newest secret.</summary>
    internal void WriteTag(ReadOnlySpan<char> body, Span<char> destination)
    {
        if (_secrets.Length == 0)
        {
            WriteCrc(body, destination);
        }
        else
        {
            WriteMac(_secrets[^1], body, destination);
        }
    }

    private static void WriteMac(byte[] secret, ReadOnlySpan<char> body, Span<char> destination)
    {
        Span<byte> bytes = stackalloc byte[ApiKeyFormat.Length];
        var count = ApiKeyFormat.Ascii(body, bytes);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(secret, bytes[..count], mac);
        ApiKeyFormat.WriteBase62(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(mac), destination);
    }

    private static void WriteCrc(ReadOnlySpan<char> body, Span<char> destination)
    {
        Span<byte> bytes = stackalloc byte[ApiKeyFormat.Length];
        var count = ApiKeyFormat.Ascii(body, bytes);
        ApiKeyFormat.WriteBase62(Crc32.HashToUInt32(bytes[..count]), destination);
    }

    private static bool Same(ReadOnlySpan<char> a, ReadOnlySpan<char> b) =>
        CryptographicOperations.FixedTimeEquals(System.Runtime.InteropServices.MemoryMarshal.AsBytes(a), System.Runtime.InteropServices.MemoryMarshal.AsBytes(b));
}
