using KeyGrains.Tests.Support;

namespace KeyGrains.Tests.Grains;

/// <summary>
/// An organization keeps at most max(100, 10 x keyLimit) key records; a creation past that first
/// purges the revoked or expired record that stopped working longest ago.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class BoundedRecordsTests(ClusterFixture fx) : IDisposable
{
    private static readonly CreateKey Viewer = new("ci", null, ["viewer"]);

    public void Dispose() => fx.Storage.Heal();

    private bool IsKeyGrain(GrainId id) => id.Type == fx.Key("aaaaaaaaaaaaaaaa").GetGrainId().Type;

    [Fact]
    public async Task Create_AtTheRecordBound_PurgesTheOldestRevokedRecord()
    {
        var org = await fx.NewOrgAsync(keyLimit: 1);
        var revoked = await FillWithRevokedAsync(org, 100);

        var created = await org.CreateKey(Viewer, Caller.Operator());

        var keys = (await org.ListKeys(new KeyQuery(Limit: 1000))).Items;
        Assert.Equal(100, keys.Length);
        Assert.DoesNotContain(keys, k => k.Id == revoked[0].Key.Id);
        Assert.Contains(keys, k => k.Id == revoked[1].Key.Id);
        Assert.Equal(VerifyCode.NotFound, (await fx.VerifyAsync(revoked[0].Secret)).Code);
        Assert.Equal(VerifyCode.Revoked, (await fx.VerifyAsync(revoked[1].Secret)).Code);
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(created.Secret)).Code);
        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<DomainException>(() => org.GetKey(revoked[0].Key.Id))).Code);

        var audit = (await org.GetAudit(2, null)).Items;
        Assert.Equal([AuditActions.KeyCreated, AuditActions.KeyPurged], audit.Select(e => e.Action));
        Assert.Equal("key:" + revoked[0].Key.Id, audit[1].Target);
        Assert.Equal("revoked", audit[1].Details!["reason"]);
        Assert.Equal(revoked[0].Key.Id, Assert.Single((await org.GetAudit(200, null)).Items, e => e.Action == AuditActions.KeyPurged).Target[4..]);
    }

    [Fact]
    public async Task Create_AtTheRecordBound_PurgesWhatEndedFirst_NeverAnActiveKey()
    {
        var org = await fx.NewOrgAsync(keyLimit: 10);
        var active = new List<NewKey>();
        for (var i = 0; i < 8; i++)
        {
            active.Add(await org.CreateKey(Viewer, Caller.Operator()));
        }

        var expiring = await org.CreateKey(Viewer with { ExpiresAt = fx.Clock.GetUtcNow().AddMinutes(1) }, Caller.Operator());
        fx.Clock.Advance(TimeSpan.FromMinutes(2));
        await FillWithRevokedAsync(org, 91);

        await org.CreateKey(Viewer, Caller.Operator());

        var keys = (await org.ListKeys(new KeyQuery(Limit: 1000))).Items;
        Assert.Equal(100, keys.Length);
        Assert.DoesNotContain(keys, k => k.Id == expiring.Key.Id);
        Assert.All(active, a => Assert.Contains(keys, k => k.Id == a.Key.Id));
        var purge = Assert.Single((await org.GetAudit(200, null)).Items, e => e.Action == AuditActions.KeyPurged);
        Assert.Equal("key:" + expiring.Key.Id, purge.Target);
        Assert.Equal("expired", purge.Details!["reason"]);
    }

    [Fact]
    public async Task Create_WhenNoRecordCanGo_IsKeyLimitReached_AndNamesTheRecordBound()
    {
        var org = await fx.NewOrgAsync(keyLimit: 100);
        for (var i = 0; i < 100; i++)
        {
            await org.CreateKey(Viewer, Caller.Operator());
        }

        // A key limit of 10 bounds the records at 100, all of them active.
        await org.Update(new UpdateOrg(KeyLimit: 10), Caller.Operator());

        var full = await Assert.ThrowsAsync<DomainException>(() => org.CreateKey(Viewer, Caller.Operator()));
        Assert.Equal(ErrorCode.KeyLimitReached, full.Code);
        Assert.Contains("100 key records", full.Message);
        Assert.Equal(100, (await org.ListKeys(new KeyQuery(Limit: 1000))).Items.Length);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Create_WhenAKeyGrainFailsDuringAPurge_ThePurgeStands_AndTheNewKeyIsGone(bool failThePurgedKey)
    {
        var org = await fx.NewOrgAsync(keyLimit: 1);
        var revoked = await FillWithRevokedAsync(org, 100);
        var purgedGrain = fx.Key(revoked[0].Key.Id).GetGrainId();
        var keyGrainsBefore = fx.Storage.WrittenGrains.Where(IsKeyGrain).ToHashSet();
        fx.Storage.FailNext(id => IsKeyGrain(id) && (id == purgedGrain) == failThePurgedKey);

        await Assert.ThrowsAnyAsync<Exception>(() => org.CreateKey(Viewer, Caller.Operator()));
        fx.Storage.Heal();

        // The next call recovers: the purge forwards, the creation (its caller saw a failure) back.
        var keys = (await org.ListKeys(new KeyQuery(Limit: 1000))).Items;
        Assert.Equal(99, keys.Length);
        Assert.All(keys, k => Assert.Equal(KeyStatus.Revoked, k.Status));
        Assert.Equal(0, (await org.Get())!.ActiveKeyCount);
        await fx.Cluster.DeactivateAsync(fx.Key(revoked[0].Key.Id));
        Assert.Equal(VerifyCode.NotFound, (await fx.VerifyAsync(revoked[0].Secret)).Code);
        var newest = (await org.GetAudit(2, null)).Items;
        Assert.Equal([AuditActions.KeyPurged, AuditActions.KeyRevoked], newest.Select(e => e.Action));
        Assert.Equal("key:" + revoked[0].Key.Id, newest[0].Target);

        // The new key's grain holds nothing, whether its write failed or it was told to forget.
        foreach (var newGrain in fx.Storage.WrittenGrains.Where(IsKeyGrain).Except(keyGrainsBefore))
        {
            var stored = new GrainState<KeyGrains.Keys.ApiKeyState>();
            await fx.Storage.Inner.ReadStateAsync("key", newGrain, stored);
            Assert.Null(stored.State?.Record);
        }

        var later = await org.CreateKey(Viewer, Caller.Operator());
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(later.Secret)).Code);
    }

    /// <summary>Creates and revokes <paramref name="count"/> keys, one after another; returns them oldest first.</summary>
    private static async Task<List<NewKey>> FillWithRevokedAsync(IOrganizationGrain org, int count)
    {
        var keys = new List<NewKey>(count);
        for (var i = 0; i < count; i++)
        {
            var key = await org.CreateKey(Viewer, Caller.Operator());
            await org.RevokeKey(key.Key.Id, Caller.Operator());
            keys.Add(key);
        }

        return keys;
    }
}
