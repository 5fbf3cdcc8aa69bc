using System.Security.Cryptography;

namespace KeyGrains.WebApi.Apis;

/// <summary>
/// Turns an <c>Idempotency-Key</c> header into the <see cref="IdempotencyToken"/> the grains take,
/// here at the edge, so the header itself never crosses a grain call or reaches storage.
/// </summary>
public sealed class IdempotencyTokens(IGrainFactory grains)
{
    private static readonly byte[] SecretLabel = "kg.idempotency.secret.v1"u8.ToArray();
    private byte[]? _secret;

    /// <summary>The header's problem for <see cref="FieldErrors"/>, or null when it is absent or usable.</summary>
    public static string? Problem(string? header) => header is null ? null : IdempotencyToken.Problem(header);

    public async ValueTask<IdempotencyToken?> ForAsync(string orgId, string? header) =>
        header is null ? null : IdempotencyToken.Derive(_secret ??= await LoadSecretAsync(), orgId, header);

    /// <summary>
    /// The idempotency secret is derived, under its own label, from the oldest key tag secret (the
    /// one that never changes) rather than stored beside it: one stored secret, two independent keys.
    /// </summary>
    private async Task<byte[]> LoadSecretAsync()
    {
        var tagSecrets = await grains.GetGrain<IOperatorGrain>(0).GetKeyTagSecrets(1);
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, tagSecrets[0], 32, [], SecretLabel);
    }
}
