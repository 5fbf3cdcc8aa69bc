using KeyGrains.Keys;
using KeyGrains.Tests.Support;

namespace KeyGrains.Tests.Grains;

/// <summary>
/// A storage write that fails between the organization's write and the key grain's stands in for a
/// crash there. Afterwards no key may verify without being counted, nor be counted and never verify.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CrashConsistencyTests(ClusterFixture fx) : IDisposable
{
    private static readonly CreateKey Viewer = new("ci", null, ["viewer"]);

    /// <summary>How often the organization retries an unfinished change (OrganizationGrain.UnfinishedRetryPeriod).</summary>
    private static readonly TimeSpan OrganizationRetry = TimeSpan.FromSeconds(1);

    public void Dispose() => fx.Storage.Heal();

    private bool IsKeyGrain(GrainId id) => id.Type == fx.Key("aaaaaaaaaaaaaaaa").GetGrainId().Type;

    [Fact]
    public async Task Create_WhenTheKeyGrainWriteFails_LeavesNoCountedKey()
    {
        var org = await fx.NewOrgAsync();
        fx.Storage.FailNext(IsKeyGrain);

        await Assert.ThrowsAnyAsync<Exception>(() => org.CreateKey(Viewer, Caller.Operator()));
        fx.Storage.Heal();

        Assert.Empty((await org.ListKeys(new KeyQuery())).Items);
        Assert.Equal(0, (await org.Get())!.ActiveKeyCount);
        Assert.DoesNotContain((await org.GetAudit(50, null)).Items, e => e.Action == AuditActions.KeyCreated);
        var later = await org.CreateKey(Viewer, Caller.Operator());
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(later.Secret)).Code);
    }

    [Fact]
    public async Task Create_WhenTheOrganizationsSecondWriteFails_ForgetsTheKeyEverywhere()
    {
        var org = await fx.NewOrgAsync();
        var orgId = org.GetGrainId();
        var keyGrainsBefore = fx.Storage.WrittenGrains.Where(IsKeyGrain).ToHashSet();
        fx.Storage.FailNext(id => id == orgId, count: 1, skip: 1);

        await Assert.ThrowsAnyAsync<Exception>(() => org.CreateKey(Viewer, Caller.Operator()));
        fx.Storage.Heal();
        var written = Assert.Single(fx.Storage.WrittenGrains.Where(IsKeyGrain).Except(keyGrainsBefore));

        Assert.Empty((await org.ListKeys(new KeyQuery())).Items);
        Assert.Equal(0, (await org.Get())!.ActiveKeyCount);
        var stored = new StoredState<ApiKeyState>();
        await fx.Storage.Inner.ReadStateAsync("key", written, stored);
        Assert.Null(stored.State.Record);
    }

    [Fact]
    public async Task Revoke_WhenTheKeyGrainWriteFails_RefusesAtOnce_AndIsFinishedByTheOrganizationWithoutAnotherCall()
    {
        var org = await fx.NewOrgAsync();
        var key = await org.CreateKey(Viewer, Caller.Operator());
        var keyGrain = fx.Key(key.Key.Id).GetGrainId();
        fx.Storage.FailNext(id => id == keyGrain, count: 3);

        // Recorded by the organization, so it stands: the caller is told so, and the key refuses now.
        Assert.Equal(KeyStatus.Revoked, (await org.RevokeKey(key.Key.Id, Caller.Operator())).Status);
        Assert.Equal(VerifyCode.Revoked, (await fx.VerifyAsync(key.Secret)).Code);

        // Whatever storage does meanwhile: the retries fail too, the key still refuses.
        await Task.Delay(OrganizationRetry * 2);
        Assert.Equal(VerifyCode.Revoked, (await fx.VerifyAsync(key.Secret)).Code);

        fx.Storage.Heal();
        var writes = fx.Storage.WritesOf(keyGrain);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (fx.Storage.WritesOf(keyGrain) == writes && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        // The key grain's stored record is the revoked one now: a fresh activation refuses too.
        await fx.Cluster.DeactivateAsync(fx.Key(key.Key.Id));
        Assert.Equal(VerifyCode.Revoked, (await fx.VerifyAsync(key.Secret)).Code);
        Assert.Equal(0, (await org.Get())!.ActiveKeyCount);
        Assert.Single((await org.GetAudit(50, null)).Items, e => e.Action == AuditActions.KeyRevoked);
    }

    [Fact]
    public async Task Revoke_WhenTheKeyGrainWriteFails_IsFinishedWhenTheOrganizationActivatesAgain()
    {
        var org = await fx.NewOrgAsync();
        var key = await org.CreateKey(Viewer, Caller.Operator());
        fx.Storage.FailNext(id => id == fx.Key(key.Key.Id).GetGrainId());

        await org.RevokeKey(key.Key.Id, Caller.Operator());
        fx.Storage.Heal();
        await fx.Cluster.DeactivateAsync(org);
        await fx.Cluster.DeactivateAsync(fx.Key(key.Key.Id));

        // Get does no recovery of its own: activation (or its timer) finished the revocation.
        Assert.Equal(0, (await org.Get())!.ActiveKeyCount);
        Assert.Equal(VerifyCode.Revoked, (await fx.VerifyAsync(key.Secret)).Code);
        Assert.Equal(KeyStatus.Revoked, (await org.GetKey(key.Key.Id)).Status);
        Assert.Single((await org.GetAudit(50, null)).Items, e => e.Action == AuditActions.KeyRevoked);
    }

    [Fact]
    public async Task Delete_WhenTheKeyGrainClearFails_NeverVerifiesAgain()
    {
        var org = await fx.NewOrgAsync();
        var key = await org.CreateKey(Viewer, Caller.Operator());
        fx.Storage.FailNext(id => id == fx.Key(key.Key.Id).GetGrainId());

        await org.DeleteKey(key.Key.Id, Caller.Operator());

        Assert.Equal(VerifyCode.NotFound, (await fx.VerifyAsync(key.Secret)).Code);
        fx.Storage.Heal();
        await Assert.ThrowsAsync<DomainException>(() => org.GetKey(key.Key.Id));
        await fx.Cluster.DeactivateAsync(fx.Key(key.Key.Id));
        Assert.Equal(VerifyCode.NotFound, (await fx.VerifyAsync(key.Secret)).Code);
    }

    [Fact]
    public async Task Rotate_WhenTheKeyGrainWriteFails_KeepsTheOldSecret()
    {
        var org = await fx.NewOrgAsync();
        var key = await org.CreateKey(Viewer, Caller.Operator());
        fx.Storage.FailNext(id => id == fx.Key(key.Key.Id).GetGrainId());

        await Assert.ThrowsAnyAsync<Exception>(() => org.RotateKey(key.Key.Id, 0, Caller.Operator()));
        fx.Storage.Heal();

        Assert.Equal(key.Key.Last4, (await org.GetKey(key.Key.Id)).Last4);
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(key.Secret)).Code);
        await fx.Cluster.DeactivateAsync(fx.Key(key.Key.Id));
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(key.Secret)).Code);
    }

    [Fact]
    public async Task Create_WhenTheFirstOrganizationWriteFails_ChangesNothing()
    {
        var org = await fx.NewOrgAsync(keyLimit: 1);
        var orgId = org.GetGrainId();
        fx.Storage.FailNext(id => id == orgId);

        await Assert.ThrowsAnyAsync<Exception>(() => org.CreateKey(Viewer, Caller.Operator()));
        fx.Storage.Heal();

        // The failed attempt must not hold the organization's only slot.
        var key = await org.CreateKey(Viewer, Caller.Operator());
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(key.Secret)).Code);
    }

    [Fact]
    public async Task ADatabaseFailure_ReachesTheCallerAsStorageUnavailable()
    {
        var org = await fx.NewOrgAsync();
        var orgId = org.GetGrainId();
        fx.Storage.FailNext(id => id == orgId, with: () => new FakeDbException());

        await Assert.ThrowsAsync<StorageUnavailableException>(() => org.CreateKey(Viewer, Caller.Operator()));
        fx.Storage.Heal();

        Assert.Equal(0, (await org.Get())!.ActiveKeyCount);
    }
}
