namespace KeyGrains.Organizations;

/// <summary>
/// The first answer to an idempotent creation or rotation, sealed under the key its
/// <c>Idempotency-Key</c> derives (<see cref="IdempotencyToken"/>): without the header and the
/// server-side secret it can be neither found by a guessed header nor read.
/// </summary>
[GenerateSerializer, Immutable, Alias("kg.StoredAnswer")]
public sealed record StoredAnswer
{
    /// <summary><see cref="IdempotencyToken.LookupId"/>: a keyed hash of the header, not the header.</summary>
    [Id(0)] public required byte[] LookupId { get; init; }

    /// <summary>SHA-256 of the request as the grain received it, so another request under the same header is told apart.</summary>
    [Id(1)] public required byte[] RequestHash { get; init; }

    [Id(2)] public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>AES-GCM nonce, ciphertext and tag of the answer, bound to the lookup id and request hash.</summary>
    [Id(3)] public required byte[] Sealed { get; init; }
}
