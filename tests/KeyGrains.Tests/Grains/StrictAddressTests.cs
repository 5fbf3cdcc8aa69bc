using KeyGrains.Keys;
using KeyGrains.Tests.Support;

namespace KeyGrains.Tests.Grains;

/// <summary>
/// The organization grain stores allowed-IP rules in their one canonical form, and a key grain
/// holding a rule written before the strict parser existed lets nobody in through it.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class StrictAddressTests(ClusterFixture fx)
{
    [Fact]
    public async Task CreateAndUpdate_StoreRulesCanonical_WithoutRepeats()
    {
        var org = await fx.NewOrgAsync();

        var created = await org.CreateKey(
            new CreateKey("a", null, ["viewer"], null, ["2001:DB8::/32", "10.0.0.0/8", "10.0.0.0/8", "::ffff:10.0.0.0/104", "10.0.0.1/32"]),
            Caller.Operator());
        var updated = await org.UpdateKey(created.Key.Id, new UpdateKey(AllowedIps: ["2001:0DB8:0:0::1", "::FFFF:192.0.2.1", "192.0.2.1"]), Caller.Operator());

        Assert.Equal(["2001:db8::/32", "10.0.0.0/8", "10.0.0.1"], created.Key.AllowedIps);
        Assert.Equal(["2001:db8::1", "192.0.2.1"], updated.AllowedIps);
        Assert.Equal(updated.AllowedIps, (await org.GetKey(created.Key.Id)).AllowedIps);
    }

    [Theory]
    [InlineData("010.0.0.0/8")]
    [InlineData("10.0.0.0/08")]
    [InlineData("0x0a.0.0.0/8")]
    [InlineData("10.0/8")]
    [InlineData("167772161")]
    [InlineData("fe80::1%1")]
    public async Task Create_WithANonStrictAddress_IsRefused(string rule)
    {
        var org = await fx.NewOrgAsync();

        var e = await Assert.ThrowsAsync<DomainException>(() => org.CreateKey(new CreateKey("a", null, ["viewer"], null, [rule]), Caller.Operator()));

        Assert.Equal(("allowedIps", ErrorCode.ValidationFailed), (e.Field, e.Code));
    }

    [Fact]
    public async Task Create_WithHostBitsSet_IsRefusedNamingTheBlock()
    {
        var org = await fx.NewOrgAsync();

        var e = await Assert.ThrowsAsync<DomainException>(() => org.CreateKey(new CreateKey("a", null, ["viewer"], null, ["10.1.2.3/8"]), Caller.Operator()));

        Assert.Equal("allowedIps", e.Field);
        Assert.Contains("did you mean 10.0.0.0/8?", e.Message);
    }

    /// <summary>Rules stored before the strict parser: octal (read then as 8.0.0.0/8) and host bits (read then as 10.0.0.0/8).</summary>
    [Theory]
    [InlineData("010.0.0.0/8")]
    [InlineData("10.1.2.3/8")]
    public async Task StoredRuleThatNoLongerParses_MatchesNobody(string stored)
    {
        var secret = await ReplicaWith(stored);

        Assert.Equal(VerifyCode.IpNotAllowed, (await fx.VerifyAsync(secret, "8.1.2.3")).Code);
        Assert.Equal(VerifyCode.IpNotAllowed, (await fx.VerifyAsync(secret, "10.1.2.3")).Code);
    }

    [Fact]
    public async Task StoredRuleInATypedButValidForm_StillMatches()
    {
        var secret = await ReplicaWith("2001:DB8::/32");

        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(secret, "2001:db8::7")).Code);
        Assert.Equal(VerifyCode.IpNotAllowed, (await fx.VerifyAsync(secret, "2001:db9::7")).Code);
    }

    /// <summary>A key grain holding a record as an older version of the organization grain wrote it; returns its secret.</summary>
    private async Task<string> ReplicaWith(string allowedIp)
    {
        var org = await fx.NewOrgAsync();
        var id = ApiKeyFormat.NewId();
        var secret = KeyTagger.Legacy.NewKey(id);
        await fx.Client.GetGrain<IKeyReplica>(id).Apply(new KeyRecord
        {
            Id = id,
            OrgId = org.GetPrimaryKeyString(),
            Version = 1,
            Name = "legacy",
            Roles = ["viewer"],
            Permissions = ["*:read"],
            AllowedIps = [allowedIp],
            SecretHash = ApiKeyFormat.Hash(secret),
            Last4 = secret[^4..],
            CreatedAt = fx.Clock.GetUtcNow(),
            CreatedBy = "operator",
        });
        return secret;
    }
}
