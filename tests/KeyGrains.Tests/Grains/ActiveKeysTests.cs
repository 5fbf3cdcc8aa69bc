using KeyGrains.Tests.Support;

namespace KeyGrains.Tests.Grains;

/// <summary>
/// The silo's cache of active keys, which a co-hosted web API answers from: it must answer exactly
/// as the grain does, and see every change on the very next call.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ActiveKeysTests(ClusterFixture fx)
{
    private static readonly CreateKey Viewer = new("ci", null, ["viewer"]);

    private VerifyResult? Cached(string key, string? ip = null, params string[] permissions)
    {
        Assert.True(ApiKeyFormat.TryReadId(key, out var id));
        return fx.ActiveKeys.TryVerify(id, key, ip is null ? null : System.Net.IPAddress.Parse(ip), permissions, out var result) ? result : null;
    }

    [Fact]
    public async Task ACreatedKey_IsAnsweredFromTheCache_AndItsRevocationIsSeenOnTheNextCall()
    {
        var org = await fx.NewOrgAsync();
        var key = await org.CreateKey(Viewer, Caller.Operator());

        Assert.Equal(VerifyCode.Valid, Cached(key.Secret, null, "clusters:read")?.Code);
        Assert.Equal(VerifyCode.InsufficientPermissions, Cached(key.Secret, null, "clusters:write")?.Code);
        Assert.Equal(VerifyCode.NotFound, Cached(KeyTagger.Legacy.NewKey(key.Key.Id))?.Code);

        await org.RevokeKey(key.Key.Id, Caller.Operator());

        Assert.Equal(VerifyCode.Revoked, Cached(key.Secret)?.Code);
    }

    [Fact]
    public async Task RotationRoleChangesAndIpRules_ReachTheCacheBeforeTheCallReturns()
    {
        var org = await fx.NewOrgAsync();
        await org.UpsertRole("ops", null, ["clusters:read"], Caller.Operator());
        var key = await org.CreateKey(new CreateKey("k", null, ["ops"]), Caller.Operator());

        var rotated = await org.RotateKey(key.Key.Id, 0, Caller.Operator());
        await org.UpsertRole("ops", null, ["clusters:*"], Caller.Operator());
        await org.UpdateKey(key.Key.Id, new UpdateKey(AllowedIps: ["10.0.0.0/8"]), Caller.Operator());

        Assert.Equal(VerifyCode.NotFound, Cached(key.Secret, "10.0.0.1")?.Code);
        Assert.Equal(VerifyCode.Valid, Cached(rotated.Secret, "10.0.0.1", "clusters:write")?.Code);
        Assert.Equal(VerifyCode.IpNotAllowed, Cached(rotated.Secret, "192.0.2.1")?.Code);
    }

    [Fact]
    public async Task ADeletedOrDeactivatedKey_LeavesTheCache_AndTheGrainAnswersAgain()
    {
        var org = await fx.NewOrgAsync();
        var deleted = await org.CreateKey(Viewer, Caller.Operator());
        var idle = await org.CreateKey(Viewer, Caller.Operator());

        await org.DeleteKey(deleted.Key.Id, Caller.Operator());
        await fx.Cluster.DeactivateAsync(fx.Key(idle.Key.Id));

        Assert.Null(Cached(deleted.Secret));
        Assert.Equal(VerifyCode.NotFound, (await fx.VerifyAsync(deleted.Secret)).Code);
        Assert.Null(Cached(idle.Secret));
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(idle.Secret)).Code);
        Assert.Equal(VerifyCode.Valid, Cached(idle.Secret)?.Code);
    }

    [Fact]
    public async Task LastUse_ThroughTheCache_ReachesTheOrganizationWithinAReportPeriod()
    {
        var org = await fx.NewOrgAsync();
        var key = await org.CreateKey(Viewer, Caller.Operator());
        var orgId = org.GetGrainId();
        var writesBefore = fx.Storage.WritesOf(orgId);

        for (var i = 0; i < 500; i++)
        {
            Assert.Equal(VerifyCode.Valid, Cached(key.Secret)?.Code);
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await org.GetKey(key.Key.Id)).LastUsedAt is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.NotNull((await org.GetKey(key.Key.Id)).LastUsedAt);
        await Task.Delay(ClusterFixture.LastUseReportPeriod * 3);

        // Five hundred uses cost the organization one write, not five hundred.
        Assert.InRange(fx.Storage.WritesOf(orgId) - writesBefore, 1, 2);
    }
}
