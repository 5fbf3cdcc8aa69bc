namespace KeyGrains.Keys;

/// <summary>What a key grain knows about whether its current secret has been presented.</summary>
[GenerateSerializer, Alias("kg.SecretUse")]
public enum SecretUse
{
    /// <summary>This activation began after the secret was issued, and has not seen it since.</summary>
    Unknown = 0,

    /// <summary>Issued while this activation watched, and never presented since.</summary>
    NeverPresented = 1,

    /// <summary>Presented at least once (whatever the verification answered): someone holds it.</summary>
    Presented = 2,
}

/// <summary>
/// One secret as its key grain watches it, in memory only. A verification marks it once, with one
/// plain write to a field: it allocates nothing and stores nothing.
/// </summary>
internal sealed class SecretWatch(byte[] hash, bool sinceIssued)
{
    private volatile bool _presented;

    public byte[] Hash => hash;

    public SecretUse Use => _presented ? SecretUse.Presented : sinceIssued ? SecretUse.NeverPresented : SecretUse.Unknown;

    public void RecordPresented()
    {
        // Read first, so a hot key does not write the same cache line on every verification.
        if (!_presented)
        {
            _presented = true;
        }
    }

    public bool Watches(ReadOnlySpan<byte> secretHash) => secretHash.SequenceEqual(hash);
}
