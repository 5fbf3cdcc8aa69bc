using System.Security.Cryptography;
using System.Text;

namespace KeyGrains;

/// <summary>
/// What an <c>Idempotency-Key</c> header becomes before it reaches a grain: a lookup id and the key
/// that seals the stored answer, both derived from the header and a server-side secret. The header
/// itself never crosses a grain call or reaches storage.
/// </summary>
[GenerateSerializer, Immutable, Alias("kg.IdempotencyToken")]
public sealed record IdempotencyToken([property: Id(0)] byte[] LookupId, [property: Id(1)] byte[] AnswerKey)
{
    public const string Header = "Idempotency-Key";
    public const int MinLength = 32;
    public const int MaxLength = 255;

    /// <summary>How long a first answer is given again.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    /// <summary>Null when <paramref name="key"/> is a usable header value, otherwise why not.</summary>
    public static string? Problem(string key)
    {
        if (key.Length is < MinLength or > MaxLength)
        {
            return $"The {Header} must be {MinLength} to {MaxLength} characters long.";
        }

        foreach (var c in key)
        {
            if (c is < '!' or > '~')
            {
                return $"The {Header} may hold only visible ASCII characters.";
            }
        }

        return null;
    }

    /// <summary>
    /// The token of <paramref name="key"/> in <paramref name="orgId"/>. Both values come from one
    /// HKDF extraction keyed with <paramref name="secret"/>, so neither can be computed, or checked
    /// against a guessed header, without it; distinct labels keep the lookup id from telling
    /// anything about the answer key.
    /// </summary>
    public static IdempotencyToken Derive(byte[] secret, string orgId, string key)
    {
        var prk = HKDF.Extract(HashAlgorithmName.SHA256, Encoding.ASCII.GetBytes(key), secret);
        return new(
            HKDF.Expand(HashAlgorithmName.SHA256, prk, 32, Encoding.UTF8.GetBytes("kg.idempotency.lookup\0" + orgId)),
            HKDF.Expand(HashAlgorithmName.SHA256, prk, 32, Encoding.UTF8.GetBytes("kg.idempotency.answer\0" + orgId)));
    }

    // A record prints every member: the answer key must never reach a log line.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("LookupId = ").Append(Convert.ToHexString(LookupId)).Append(", AnswerKey = ").Append(Redacted.Text);
        return true;
    }
}
