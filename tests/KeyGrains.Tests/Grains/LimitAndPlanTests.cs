using KeyGrains.Tests.Support;

namespace KeyGrains.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class LimitAndPlanTests(ClusterFixture fx)
{
    private static readonly CreateKey Viewer = new("ci", null, ["viewer"]);

    [Fact]
    public async Task Create_UnderOneHundredConcurrentCalls_ExactlyTheLimitSucceed()
    {
        var org = await fx.NewOrgAsync(keyLimit: 10);

        var attempts = Enumerable.Range(0, 100).Select(async _ =>
        {
            try
            {
                await org.CreateKey(Viewer, Caller.Operator());
                return true;
            }
            catch (DomainException e) when (e.Code == ErrorCode.KeyLimitReached)
            {
                return false;
            }
        });
        var outcomes = await Task.WhenAll(attempts);

        Assert.Equal(10, outcomes.Count(ok => ok));
        Assert.Equal(10, (await org.Get())!.ActiveKeyCount);
        Assert.Equal(10, (await org.ListKeys(new KeyQuery(KeyStatusFilter.Active))).Items.Length);
    }

    [Fact]
    public async Task RevokedDeletedAndExpiredKeys_DoNotCount()
    {
        var org = await fx.NewOrgAsync(keyLimit: 3);
        var a = await org.CreateKey(Viewer, Caller.Operator());
        var b = await org.CreateKey(Viewer, Caller.Operator());
        await org.CreateKey(Viewer with { ExpiresAt = fx.Clock.GetUtcNow().AddMinutes(1) }, Caller.Operator());
        await Assert.ThrowsAsync<DomainException>(() => org.CreateKey(Viewer, Caller.Operator()));

        await org.RevokeKey(a.Key.Id, Caller.Operator());
        await org.CreateKey(Viewer, Caller.Operator());
        await org.DeleteKey(b.Key.Id, Caller.Operator());
        await org.CreateKey(Viewer, Caller.Operator());
        fx.Clock.Advance(TimeSpan.FromMinutes(2));
        await org.CreateKey(Viewer, Caller.Operator());

        Assert.Equal(3, (await org.Get())!.ActiveKeyCount);
        var full = await Assert.ThrowsAsync<DomainException>(() => org.CreateKey(Viewer, Caller.Operator()));
        Assert.Equal(ErrorCode.KeyLimitReached, full.Code);
    }

    [Fact]
    public async Task Update_ThatReactivatesAnExpiredKeyWhileFull_IsRefused()
    {
        var org = await fx.NewOrgAsync(keyLimit: 1);
        var expiring = await org.CreateKey(Viewer with { ExpiresAt = fx.Clock.GetUtcNow().AddMinutes(1) }, Caller.Operator());
        fx.Clock.Advance(TimeSpan.FromMinutes(2));
        await org.CreateKey(Viewer, Caller.Operator());

        var error = await Assert.ThrowsAsync<DomainException>(() =>
            org.UpdateKey(expiring.Key.Id, new UpdateKey(ClearExpiresAt: true), Caller.Operator()));

        Assert.Equal(ErrorCode.KeyLimitReached, error.Code);
        Assert.Equal(KeyStatus.Expired, (await org.GetKey(expiring.Key.Id)).Status);
    }

    [Fact]
    public async Task LoweringTheLimitBelowTheActiveCount_BlocksNewKeysOnly()
    {
        var org = await fx.NewOrgAsync(keyLimit: 3);
        var a = await org.CreateKey(Viewer, Caller.Operator());
        await org.CreateKey(Viewer, Caller.Operator());

        var info = await org.Update(new UpdateOrg(KeyLimit: 1), Caller.Operator());

        Assert.Equal((1, 2), (info.KeyLimit, info.ActiveKeyCount));
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(a.Secret)).Code);
        await Assert.ThrowsAsync<DomainException>(() => org.CreateKey(Viewer, Caller.Operator()));
    }

    [Fact]
    public async Task FreePlan_CannotCreateKeys_ButExistingKeysKeepWorking()
    {
        var org = await fx.NewOrgAsync();
        var existing = await org.CreateKey(Viewer, Caller.Operator());
        await org.Update(new UpdateOrg(Plan: Plan.Free), Caller.Operator());

        var error = await Assert.ThrowsAsync<DomainException>(() => org.CreateKey(Viewer, Caller.Operator()));

        Assert.Equal(ErrorCode.PlanRestriction, error.Code);
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(existing.Secret)).Code);
    }

    [Fact]
    public async Task Organization_DefaultsAndConflicts()
    {
        var org = fx.Org("org-" + Guid.NewGuid().ToString("N")[..10]);
        Assert.Null(await org.Get());
        await Assert.ThrowsAsync<DomainException>(() => org.CreateKey(Viewer, Caller.Operator()));

        var created = await org.Create(new CreateOrg("Acme"), Caller.Operator());
        var again = await Assert.ThrowsAsync<DomainException>(() => org.Create(new CreateOrg("Other"), Caller.Operator()));

        Assert.Equal((Plan.Standard, 10, 0), (created.Plan, created.KeyLimit, created.ActiveKeyCount));
        Assert.Equal(ErrorCode.Conflict, again.Code);
        Assert.Equal("Acme", (await org.Get())!.Name);
    }
}
