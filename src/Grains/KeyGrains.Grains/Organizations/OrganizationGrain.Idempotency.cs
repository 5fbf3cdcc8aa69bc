using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace KeyGrains.Organizations;

/// <summary>
/// Idempotent creation and rotation: the first answer is stored, sealed, in the same write that
/// makes its change final, and given again to the same request under the same token for a day.
/// </summary>
public sealed partial class OrganizationGrain
{
    /// <summary>At most this many answers per organization; past it the oldest is forgotten.</summary>
    public const int MaxStoredAnswers = 1000;

    private const int NonceSize = 12, TagSize = 16;

    /// <summary>
    /// The stored answer to this request under <paramref name="token"/>, or null when there is none
    /// (or no token). The same token with another request is a conflict.
    /// </summary>
    private NewKey? Replay(IdempotencyToken? token, byte[] requestHash)
    {
        if (token is null || FindAnswer(token.LookupId) is not { } stored)
        {
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals(stored.RequestHash, requestHash))
        {
            throw new DomainException(ErrorCode.Conflict, $"This {IdempotencyToken.Header} was used with a different request.", IdempotencyToken.Header);
        }

        var plain = new byte[stored.Sealed.Length - NonceSize - TagSize];
        using (var aes = new AesGcm(token.AnswerKey, TagSize))
        {
            var nonce = stored.Sealed.AsSpan(0, NonceSize);
            var tag = stored.Sealed.AsSpan(stored.Sealed.Length - TagSize);
            aes.Decrypt(nonce, stored.Sealed.AsSpan(NonceSize, plain.Length), tag, plain, AssociatedData(stored.LookupId, requestHash));
        }

        return JsonSerializer.Deserialize<NewKey>(plain)!;
    }

    /// <summary>The answer to store with the change that produced it, or null without a token.</summary>
    private StoredAnswer? Seal(IdempotencyToken? token, byte[] requestHash, NewKey answer)
    {
        if (token is null)
        {
            return null;
        }

        var plain = JsonSerializer.SerializeToUtf8Bytes(answer);
        var sealedAnswer = new byte[NonceSize + plain.Length + TagSize];
        var nonce = sealedAnswer.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(token.AnswerKey, TagSize))
        {
            aes.Encrypt(nonce, plain, sealedAnswer.AsSpan(NonceSize, plain.Length), sealedAnswer.AsSpan(NonceSize + plain.Length), AssociatedData(token.LookupId, requestHash));
        }

        CryptographicOperations.ZeroMemory(plain);
        return new StoredAnswer { LookupId = token.LookupId, RequestHash = requestHash, ExpiresAt = Now + IdempotencyToken.Lifetime, Sealed = sealedAnswer };
    }

    private StoredAnswer? FindAnswer(byte[] lookupId)
    {
        var now = Now;
        foreach (var stored in State.Answers)
        {
            if (stored.ExpiresAt > now && stored.LookupId.AsSpan().SequenceEqual(lookupId))
            {
                return stored;
            }
        }

        return null;
    }

    private void RememberAnswer(StoredAnswer answer)
    {
        State.Answers.Add(answer);
        if (State.Answers.Count > MaxStoredAnswers)
        {
            State.Answers.RemoveRange(0, State.Answers.Count - MaxStoredAnswers);
        }
    }

    /// <summary>Expired answers go with whatever write comes next: what is stored stays a day's worth.</summary>
    private void ForgetExpiredAnswers()
    {
        var now = Now;
        State.Answers.RemoveAll(a => a.ExpiresAt <= now);
    }

    private static byte[] AssociatedData(byte[] lookupId, byte[] requestHash) => [.. lookupId, .. requestHash];

    private static byte[] CreationHash(CreateKey request) =>
        SHA256.HashData([.. "create\n"u8, .. JsonSerializer.SerializeToUtf8Bytes(request)]);

    private static byte[] RotationHash(string keyId, int gracePeriodSeconds) =>
        SHA256.HashData(Encoding.UTF8.GetBytes(FormattableString.Invariant($"rotate\n{keyId}\n{gracePeriodSeconds}")));
}
