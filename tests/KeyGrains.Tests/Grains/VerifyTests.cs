using KeyGrains.Tests.Support;

namespace KeyGrains.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class VerifyTests(ClusterFixture fx)
{
    private static CreateKey Viewer(string name = "ci", DateTimeOffset? expiresAt = null, string[]? ips = null) =>
        new(name, "for tests", ["viewer"], expiresAt, ips);

    [Fact]
    public async Task Verify_WithTheSecret_ReturnsValidWithDetails()
    {
        var org = await fx.NewOrgAsync();
        var created = await org.CreateKey(Viewer(), Caller.Operator());

        var result = await fx.VerifyAsync(created.Secret, permissions: "clusters:read");

        Assert.Equal(VerifyCode.Valid, result.Code);
        Assert.Equal(created.Key.Id, result.KeyId);
        Assert.Equal(org.GetPrimaryKeyString(), result.OrgId);
        Assert.Equal(["viewer"], result.Roles!);
        Assert.Equal(["*:read"], result.Permissions!);
    }

    [Fact]
    public async Task Verify_WithAnotherSecretForTheSameId_ReturnsNotFoundWithoutDetails()
    {
        var org = await fx.NewOrgAsync();
        var created = await org.CreateKey(Viewer(), Caller.Operator());
        var forged = KeyTagger.Legacy.NewKey(created.Key.Id);

        var result = await fx.VerifyAsync(forged);

        Assert.Equal(VerifyCode.NotFound, result.Code);
        Assert.Null(result.KeyId);
        Assert.Null(result.OrgId);
        Assert.Null(result.Roles);
    }

    [Fact]
    public async Task Verify_UnknownKey_ReturnsNotFound()
    {
        var result = await fx.VerifyAsync(KeyTagger.Legacy.NewKey(ApiKeyFormat.NewId()));
        Assert.Equal(VerifyCode.NotFound, result.Code);
    }

    [Fact]
    public async Task Verify_AfterRevoke_ReturnsRevokedOnTheVeryNextCall()
    {
        var org = await fx.NewOrgAsync();
        var created = await org.CreateKey(Viewer(), Caller.Operator());
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(created.Secret)).Code);

        var revoked = await org.RevokeKey(created.Key.Id, Caller.Operator());

        Assert.Equal(KeyStatus.Revoked, revoked.Status);
        var result = await fx.VerifyAsync(created.Secret);
        Assert.Equal(VerifyCode.Revoked, result.Code);
        Assert.Equal(created.Key.Id, result.KeyId);
    }

    [Fact]
    public async Task Verify_RevokedKeyFromWrongIp_ReportsRevokedFirst()
    {
        var org = await fx.NewOrgAsync();
        var created = await org.CreateKey(Viewer(ips: ["10.0.0.0/8"]), Caller.Operator());
        await org.RevokeKey(created.Key.Id, Caller.Operator());

        Assert.Equal(VerifyCode.Revoked, (await fx.VerifyAsync(created.Secret, "192.0.2.1", "x:write")).Code);
    }

    [Fact]
    public async Task Verify_AtTheExpiryInstant_ReturnsExpired()
    {
        var org = await fx.NewOrgAsync();
        var expiresAt = fx.Clock.GetUtcNow().AddHours(1);
        var created = await org.CreateKey(Viewer(expiresAt: expiresAt), Caller.Operator());

        fx.Clock.Advance(expiresAt - fx.Clock.GetUtcNow() - TimeSpan.FromSeconds(2));
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(created.Secret)).Code);

        fx.Clock.Advance(TimeSpan.FromSeconds(2));
        var result = await fx.VerifyAsync(created.Secret);
        Assert.Equal(VerifyCode.Expired, result.Code);
        Assert.Equal(expiresAt, result.ExpiresAt);
        Assert.Equal(KeyStatus.Expired, (await org.GetKey(created.Key.Id)).Status);
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.0.0.0", VerifyCode.Valid)]
    [InlineData("10.0.0.0/8", "10.255.255.255", VerifyCode.Valid)]
    [InlineData("10.0.0.0/8", "11.0.0.0", VerifyCode.IpNotAllowed)]
    [InlineData("10.0.0.0/8", "9.255.255.255", VerifyCode.IpNotAllowed)]
    [InlineData("203.0.113.7", "203.0.113.7", VerifyCode.Valid)]
    [InlineData("203.0.113.7", "203.0.113.8", VerifyCode.IpNotAllowed)]
    [InlineData("203.0.113.7", "::ffff:203.0.113.7", VerifyCode.Valid)]
    [InlineData("::ffff:10.0.0.0/104", "10.1.2.3", VerifyCode.Valid)]
    [InlineData("2001:db8::/32", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", VerifyCode.Valid)]
    [InlineData("2001:db8::/32", "2001:db9::", VerifyCode.IpNotAllowed)]
    [InlineData("2001:db8::/32", "10.0.0.1", VerifyCode.IpNotAllowed)]
    [InlineData("0.0.0.0/0", "198.51.100.1", VerifyCode.Valid)]
    public async Task Verify_AppliesIpRules(string rule, string ip, VerifyCode expected)
    {
        var org = await fx.NewOrgAsync();
        var created = await org.CreateKey(Viewer(ips: [rule]), Caller.Operator());

        Assert.Equal(expected, (await fx.VerifyAsync(created.Secret, ip)).Code);
    }

    [Fact]
    public async Task Verify_WithoutIpWhileRulesExist_ReturnsIpNotAllowed()
    {
        var org = await fx.NewOrgAsync();
        var created = await org.CreateKey(Viewer(ips: ["10.0.0.0/8"]), Caller.Operator());

        Assert.Equal(VerifyCode.IpNotAllowed, (await fx.VerifyAsync(created.Secret)).Code);
    }

    [Fact]
    public async Task Verify_ChecksEveryRequestedPermission()
    {
        var org = await fx.NewOrgAsync();
        await org.UpsertRole("backup-operator", null, ["backups:*", "clusters:read"], Caller.Operator());
        var created = await org.CreateKey(new CreateKey("b", null, ["backup-operator"]), Caller.Operator());

        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(created.Secret, null, "backups:restore", "clusters:read")).Code);
        Assert.Equal(VerifyCode.InsufficientPermissions, (await fx.VerifyAsync(created.Secret, null, "backups:restore", "clusters:write")).Code);
        Assert.Equal(VerifyCode.InsufficientPermissions, (await fx.VerifyAsync(created.Secret, null, "users:read")).Code);
    }

    [Fact]
    public async Task Verify_DeletedKey_ReturnsNotFound()
    {
        var org = await fx.NewOrgAsync();
        var created = await org.CreateKey(Viewer(), Caller.Operator());

        await org.DeleteKey(created.Key.Id, Caller.Operator());

        Assert.Equal(VerifyCode.NotFound, (await fx.VerifyAsync(created.Secret)).Code);
        var error = await Assert.ThrowsAsync<DomainException>(() => org.GetKey(created.Key.Id));
        Assert.Equal(ErrorCode.NotFound, error.Code);
    }

    [Fact]
    public async Task Verify_WritesNothingToStorage()
    {
        var org = await fx.NewOrgAsync();
        var created = await org.CreateKey(Viewer(), Caller.Operator());
        await fx.VerifyAsync(created.Secret);
        var keyGrain = fx.Key(created.Key.Id).GetGrainId();
        var orgGrain = org.GetGrainId();
        var (keyBefore, orgBefore) = (fx.Storage.WritesOf(keyGrain), fx.Storage.WritesOf(orgGrain));
        var started = System.Diagnostics.Stopwatch.StartNew();

        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(created.Secret)).Code);
        }

        // Other tests' organizations save their last use in the background, so only these two
        // grains are counted: the key never writes, the organization at most once a report period.
        Assert.Equal(keyBefore, fx.Storage.WritesOf(keyGrain));
        var periods = (int)Math.Ceiling(started.Elapsed / ClusterFixture.LastUseReportPeriod) + 1;
        Assert.InRange(fx.Storage.WritesOf(orgGrain) - orgBefore, 0, periods);
    }

    [Fact]
    public async Task LastUse_ReportedToManyOrganizationsAtOnce_IsSavedAtMomentsSpreadOverThePeriod()
    {
        var used = new List<(IOrganizationGrain Org, string KeyId)>();
        for (var i = 0; i < 30; i++)
        {
            var org = await fx.NewOrgAsync();
            used.Add((org, (await org.CreateKey(Viewer(), Caller.Operator())).Key.Id));
        }

        // As a node's report reaches them: every organization in the same moment.
        var reported = System.Diagnostics.Stopwatch.GetTimestamp();
        var at = DateTimeOffset.UtcNow;
        await Task.WhenAll(used.Select(u => u.Org.ReportLastUsed(new() { [u.KeyId] = at })));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (used.Any(u => !(fx.Storage.LastWriteOf(u.Org.GetGrainId()) > reported)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        var saved = used.Select(u => System.Diagnostics.Stopwatch.GetElapsedTime(reported, fx.Storage.LastWriteOf(u.Org.GetGrainId())!.Value)).ToList();
        Assert.All(saved, s => Assert.InRange(s, TimeSpan.Zero, ClusterFixture.LastUseReportPeriod + TimeSpan.FromSeconds(2)));
        Assert.True(saved.Max() - saved.Min() >= ClusterFixture.LastUseReportPeriod / 3, $"saved between {saved.Min()} and {saved.Max()} after the report");
        foreach (var (org, keyId) in used)
        {
            Assert.Equal(at, (await org.GetKey(keyId)).LastUsedAt);
        }
    }

    [Fact]
    public async Task LastUse_OnlyMovesForward_OutlivesAChangeToTheKey_AndIsSavedByItself()
    {
        var org = await fx.NewOrgAsync();
        var id = (await org.CreateKey(Viewer(), Caller.Operator())).Key.Id;
        var first = new DateTimeOffset(2026, 12, 1, 20, 0, 0, TimeSpan.Zero);

        await org.ReportLastUsed(new() { [id] = first });
        await org.ReportLastUsed(new() { [id] = first.AddSeconds(-30) });
        await Eventually(async () => Assert.Equal(first, (await org.GetKey(id)).LastUsedAt));
        Assert.Equal(first, (await org.UpdateKey(id, new UpdateKey(Name: "renamed"), Caller.Operator())).LastUsedAt);
        Assert.Equal(first, Assert.Single((await org.ListKeys(new KeyQuery())).Items).LastUsedAt);

        // A report alone is saved within a period, with no change to carry it, in the last-use state
        // alone: the organization's own state (its records, roles, audit outbox) is not written again.
        var (lastUseWrites, orgWrites) = (fx.Storage.WritesOf(org.GetGrainId(), "lastuse"), fx.Storage.WritesOf(org.GetGrainId(), "org"));
        await org.ReportLastUsed(new() { [id] = first.AddMinutes(1) });
        await Eventually(() => Assert.True(fx.Storage.WritesOf(org.GetGrainId(), "lastuse") > lastUseWrites));
        await fx.Cluster.DeactivateAsync(org);
        Assert.Equal(first.AddMinutes(1), (await org.GetKey(id)).LastUsedAt);
        Assert.Equal(orgWrites, fx.Storage.WritesOf(org.GetGrainId(), "org"));
    }

    [Fact]
    public async Task LastUse_HeldByTheOrganizationsStateAsStoredBefore_StillShows_UntilALaterOneIsReported()
    {
        var org = await fx.NewOrgAsync();
        var id = (await org.CreateKey(Viewer(), Caller.Operator())).Key.Id;
        var before = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

        // As a version that kept last use in the organization's state left it.
        await fx.Cluster.DeactivateAsync(org);
        var stored = new GrainState<KeyGrains.Organizations.OrganizationState>();
        await fx.Storage.Inner.ReadStateAsync("org", org.GetGrainId(), stored);
        stored.State!.LastUsed[id] = before;
        await fx.Storage.Inner.WriteStateAsync("org", org.GetGrainId(), stored);

        Assert.Equal(before, (await org.GetKey(id)).LastUsedAt);
        await org.ReportLastUsed(new() { [id] = before.AddDays(1) });
        await Eventually(async () => Assert.Equal(before.AddDays(1), Assert.Single((await org.ListKeys(new KeyQuery())).Items).LastUsedAt));
        await fx.Cluster.DeactivateAsync(org);
        Assert.Equal(before.AddDays(1), (await org.GetKey(id)).LastUsedAt);
    }

    private static async Task Eventually(Func<Task> check)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                await check();
                return;
            }
            catch (Xunit.Sdk.XunitException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
    }

    private static Task Eventually(Action check) => Eventually(() =>
    {
        check();
        return Task.CompletedTask;
    });

    [Fact]
    public async Task LastUse_IsRecordedWhenTheKeyGrainDeactivates()
    {
        var org = await fx.NewOrgAsync();
        var created = await org.CreateKey(Viewer(), Caller.Operator());
        Assert.Null((await org.GetKey(created.Key.Id)).LastUsedAt);

        await fx.VerifyAsync(created.Secret);
        await fx.Cluster.DeactivateAsync(fx.Key(created.Key.Id));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await org.GetKey(created.Key.Id)).LastUsedAt is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.NotNull((await org.GetKey(created.Key.Id)).LastUsedAt);
    }
}
