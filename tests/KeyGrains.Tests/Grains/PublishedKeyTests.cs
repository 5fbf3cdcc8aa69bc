using System.Net;
using KeyGrains.Keys;

namespace KeyGrains.Tests.Grains;

/// <summary>
/// The compiled copy every verification answers from holds the secrets' hashes, expiry and
/// revocation as plain values rather than reading the record: each rule at its boundary, on the copy alone.
/// </summary>
public sealed class PublishedKeyTests
{
    private const string Current = "kg_current-secret-for-the-published-key-tests";
    private const string Previous = "kg_previous-secret-for-the-published-key-tests";
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static KeyRecord Record() => new()
    {
        Id = "k1",
        OrgId = "o1",
        Version = 3,
        Name = "ci",
        Roles = ["viewer"],
        Permissions = ["clusters:read"],
        SecretHash = ApiKeyFormat.Hash(Current),
        Last4 = "ests",
        CreatedAt = Now.AddDays(-1),
        CreatedBy = "test",
    };

    private static VerifyCode Verify(KeyRecord record, string key, DateTimeOffset at, string? ip = null, params string[] permissions)
    {
        var usage = default(KeyUsage);
        return new PublishedKey(record, new SecretWatch(record.SecretHash, sinceIssued: true))
            .Verify(key, ip is null ? null : IPAddress.Parse(ip), permissions, at, ref usage).Code;
    }

    [Fact]
    public void OnlyTheWholeCurrentSecretVerifies()
    {
        Assert.Equal(VerifyCode.Valid, Verify(Record(), Current, Now));
        Assert.Equal(VerifyCode.NotFound, Verify(Record(), Current[..^1] + "x", Now));
        Assert.Equal(VerifyCode.NotFound, Verify(Record(), "x" + Current[1..], Now));
        Assert.Equal(VerifyCode.NotFound, Verify(Record(), Previous, Now));
    }

    [Fact]
    public void ThePreviousSecretVerifiesUntilItsGraceEnds_ToTheTick()
    {
        var rotated = Record() with { PreviousSecretHash = ApiKeyFormat.Hash(Previous), PreviousSecretExpiresAt = Now };

        Assert.Equal(VerifyCode.Valid, Verify(rotated, Previous, Now.AddTicks(-1)));
        Assert.Equal(VerifyCode.NotFound, Verify(rotated, Previous, Now));
        Assert.Equal(VerifyCode.Valid, Verify(rotated, Current, Now.AddDays(1)));
    }

    [Fact]
    public void APreviousHashWithoutAnEnd_NeverVerifies()
    {
        var rotated = Record() with { PreviousSecretHash = ApiKeyFormat.Hash(Previous), PreviousSecretExpiresAt = null };

        Assert.Equal(VerifyCode.NotFound, Verify(rotated, Previous, Now));
    }

    [Fact]
    public void AStoredHashOfTheWrongLength_MatchesNothing()
    {
        var broken = Record() with { SecretHash = ApiKeyFormat.Hash(Current)[..16] };

        Assert.Equal(VerifyCode.NotFound, Verify(broken, Current, Now));
    }

    [Fact]
    public void TheKeyExpiresAtItsExpiry_ToTheTick_AndRevocationComesFirst()
    {
        var expiring = Record() with { ExpiresAt = Now };

        Assert.Equal(VerifyCode.Valid, Verify(expiring, Current, Now.AddTicks(-1)));
        Assert.Equal(VerifyCode.Expired, Verify(expiring, Current, Now));
        Assert.Equal(VerifyCode.Revoked, Verify(expiring with { RevokedAt = Now.AddDays(-1) }, Current, Now));
    }

    [Fact]
    public void AddressRulesAndPermissions_AreCheckedFromTheCopy()
    {
        var ruled = Record() with { AllowedIps = ["10.0.0.0/8"] };

        Assert.Equal(VerifyCode.Valid, Verify(ruled, Current, Now, "10.1.2.3", "clusters:read"));
        Assert.Equal(VerifyCode.IpNotAllowed, Verify(ruled, Current, Now, "192.168.0.1"));
        Assert.Equal(VerifyCode.IpNotAllowed, Verify(ruled, Current, Now));
        Assert.Equal(VerifyCode.InsufficientPermissions, Verify(Record(), Current, Now, null, "clusters:write"));
    }

    [Fact]
    public void AValidAnswerRecordsTheUse_ARefusalDoesNot_AndOnlyTheCurrentSecretMarksItsWatch()
    {
        var rotated = Record() with { PreviousSecretHash = ApiKeyFormat.Hash(Previous), PreviousSecretExpiresAt = Now.AddHours(1) };
        var watch = new SecretWatch(rotated.SecretHash, sinceIssued: true);
        var key = new PublishedKey(rotated, watch);
        var usage = default(KeyUsage);

        Assert.Equal(VerifyCode.Valid, key.Verify(Previous, null, null, Now, ref usage).Code);
        Assert.Equal(SecretUse.NeverPresented, watch.Use);

        Assert.Equal(VerifyCode.InsufficientPermissions, key.Verify(Current, null, ["clusters:write"], Now.AddMinutes(1), ref usage).Code);
        Assert.Equal(SecretUse.Presented, watch.Use);
        Assert.True(usage.TryTakeUnreported(out var at));
        Assert.Equal(Now, at);

        Assert.Equal(VerifyCode.Valid, key.Verify(Current, null, null, Now.AddMinutes(2), ref usage).Code);
        Assert.True(usage.TryTakeUnreported(out at));
        Assert.Equal(Now.AddMinutes(2), at);
        Assert.False(usage.TryTakeUnreported(out _));
    }
}
