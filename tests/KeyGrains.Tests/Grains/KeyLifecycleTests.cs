using KeyGrains.Tests.Support;

namespace KeyGrains.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class KeyLifecycleTests(ClusterFixture fx)
{
    private static readonly CreateKey Viewer = new("ci", null, ["viewer"]);

    [Fact]
    public async Task Create_ReturnsTheSecretOnceAndKeepsOnlyItsHash()
    {
        var org = await fx.NewOrgAsync();
        var created = await org.CreateKey(Viewer, Caller.Key("abcdefghijklmnop", "192.0.2.9"));

        Assert.True(ApiKeyFormat.TryReadId(created.Secret, out var id));
        Assert.Equal(created.Key.Id, id.ToString());
        Assert.Equal(created.Secret[^4..], created.Key.Last4);
        Assert.Equal("key:abcdefghijklmnop", created.Key.CreatedBy);
        Assert.Equal(KeyStatus.Active, created.Key.Status);

        var listed = await org.ListKeys(new KeyQuery());
        var serialized = System.Text.Json.JsonSerializer.Serialize(listed);
        Assert.DoesNotContain(created.Secret[3..^6], serialized);
    }

    [Fact]
    public async Task Rotate_WithoutGrace_EndsTheOldSecretAtOnce()
    {
        var org = await fx.NewOrgAsync();
        var created = await org.CreateKey(Viewer, Caller.Operator());

        var rotated = await org.RotateKey(created.Key.Id, 0, Caller.Operator());

        Assert.Equal(created.Key.Id, rotated.Key.Id);
        Assert.NotEqual(created.Secret, rotated.Secret);
        Assert.Equal(rotated.Secret[^4..], rotated.Key.Last4);
        Assert.NotNull(rotated.PreviousSecretExpiresAt);
        Assert.Equal(VerifyCode.NotFound, (await fx.VerifyAsync(created.Secret)).Code);
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(rotated.Secret)).Code);
    }

    [Fact]
    public async Task Rotate_WithGrace_KeepsTheOldSecretUntilTheGraceEnds()
    {
        var org = await fx.NewOrgAsync();
        var created = await org.CreateKey(Viewer, Caller.Operator());

        var rotated = await org.RotateKey(created.Key.Id, 60, Caller.Operator());

        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(created.Secret)).Code);
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(rotated.Secret)).Code);
        fx.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(VerifyCode.NotFound, (await fx.VerifyAsync(created.Secret)).Code);
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(rotated.Secret)).Code);
    }

    [Fact]
    public async Task Rotate_Twice_AfterTheSecondSecretWasPresented_EndsTheFirstSecretAtOnce()
    {
        var org = await fx.NewOrgAsync();
        var first = await org.CreateKey(Viewer, Caller.Operator());
        var second = await org.RotateKey(first.Key.Id, 3600, Caller.Operator());
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(second.Secret)).Code);

        var third = await org.RotateKey(first.Key.Id, 3600, Caller.Operator());

        Assert.Equal(VerifyCode.NotFound, (await fx.VerifyAsync(first.Secret)).Code);
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(second.Secret)).Code);
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(third.Secret)).Code);
    }

    [Fact]
    public async Task Rotate_RevokedKey_IsRefused()
    {
        var org = await fx.NewOrgAsync();
        var created = await org.CreateKey(Viewer, Caller.Operator());
        await org.RevokeKey(created.Key.Id, Caller.Operator());

        var error = await Assert.ThrowsAsync<DomainException>(() => org.RotateKey(created.Key.Id, 0, Caller.Operator()));

        Assert.Equal(ErrorCode.KeyRevoked, error.Code);
        Assert.Equal(VerifyCode.Revoked, (await fx.VerifyAsync(created.Secret)).Code);
    }

    [Fact]
    public async Task Revoke_IsPermanentAndRepeatingItIsANoOp()
    {
        var org = await fx.NewOrgAsync();
        var created = await org.CreateKey(Viewer, Caller.Operator());
        var first = await org.RevokeKey(created.Key.Id, Caller.Operator());

        var second = await org.RevokeKey(created.Key.Id, Caller.Operator());
        var update = await Assert.ThrowsAsync<DomainException>(() => org.UpdateKey(created.Key.Id, new UpdateKey(ClearExpiresAt: true), Caller.Operator()));

        Assert.Equal(first.RevokedAt, second.RevokedAt);
        Assert.Equal(ErrorCode.KeyRevoked, update.Code);
        var audit = await org.GetAudit(200, null);
        Assert.Single(audit.Items, e => e.Action == AuditActions.KeyRevoked);
    }

    [Fact]
    public async Task Update_ChangesTakeEffectOnTheNextVerification()
    {
        var org = await fx.NewOrgAsync();
        var created = await org.CreateKey(Viewer, Caller.Operator());

        var updated = await org.UpdateKey(created.Key.Id, new UpdateKey(Name: "renamed", Roles: ["editor"], AllowedIps: ["10.0.0.0/8"]), Caller.Operator());

        Assert.Equal("renamed", updated.Name);
        Assert.Equal(["editor"], updated.Roles);
        Assert.Equal(VerifyCode.IpNotAllowed, (await fx.VerifyAsync(created.Secret, "192.0.2.1", "a:write")).Code);
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(created.Secret, "10.1.1.1", "a:write")).Code);

        var cleared = await org.UpdateKey(created.Key.Id, new UpdateKey(ClearAllowedIps: true, ClearDescription: true), Caller.Operator());
        Assert.Empty(cleared.AllowedIps);
        Assert.Null(cleared.Description);
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(created.Secret, "192.0.2.1")).Code);
    }

    [Fact]
    public async Task Update_WithUnknownRoleOrPastExpiry_IsRefusedAndChangesNothing()
    {
        var org = await fx.NewOrgAsync();
        var created = await org.CreateKey(Viewer, Caller.Operator());

        var role = await Assert.ThrowsAsync<DomainException>(() => org.UpdateKey(created.Key.Id, new UpdateKey(Roles: ["nope"]), Caller.Operator()));
        var expiry = await Assert.ThrowsAsync<DomainException>(() => org.UpdateKey(created.Key.Id, new UpdateKey(ExpiresAt: DateTimeOffset.UtcNow.AddDays(-1)), Caller.Operator()));

        Assert.Equal(("roles", ErrorCode.ValidationFailed), (role.Field, role.Code));
        Assert.Equal(("expiresAt", ErrorCode.ValidationFailed), (expiry.Field, expiry.Code));
        Assert.Equal(["viewer"], (await org.GetKey(created.Key.Id)).Roles);
    }

    [Fact]
    public async Task List_IsNewestFirstAndFiltersPagesAndSearches()
    {
        var org = await fx.NewOrgAsync(keyLimit: 20);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await org.CreateKey(new CreateKey($"key {i}", i == 3 ? "The Backup agent" : null, ["viewer"]), Caller.Operator())).Key.Id);
            fx.Clock.Advance(TimeSpan.FromMilliseconds(5));
        }

        await org.RevokeKey(ids[1], Caller.Operator());

        var all = await org.ListKeys(new KeyQuery());
        Assert.Equal(Enumerable.Reverse(ids), all.Items.Select(k => k.Id));
        Assert.Null(all.Next);

        var revoked = await org.ListKeys(new KeyQuery(KeyStatusFilter.Revoked));
        Assert.Equal([ids[1]], revoked.Items.Select(k => k.Id));
        var active = await org.ListKeys(new KeyQuery(KeyStatusFilter.Active));
        Assert.Equal(4, active.Items.Length);

        var search = await org.ListKeys(new KeyQuery(Search: "BACKUP"));
        Assert.Equal([ids[3]], search.Items.Select(k => k.Id));

        var page1 = await org.ListKeys(new KeyQuery(Limit: 2));
        var page2 = await org.ListKeys(new KeyQuery(Limit: 2, Cursor: page1.Next));
        var page3 = await org.ListKeys(new KeyQuery(Limit: 2, Cursor: page2.Next));
        Assert.Equal(Enumerable.Reverse(ids), page1.Items.Concat(page2.Items).Concat(page3.Items).Select(k => k.Id));
        Assert.Null(page3.Next);

        var bad = await Assert.ThrowsAsync<DomainException>(() => org.ListKeys(new KeyQuery(Cursor: "junk")));
        Assert.Equal("cursor", bad.Field);
    }

    [Fact]
    public async Task Create_ValidatesItsInput()
    {
        var org = await fx.NewOrgAsync();

        async Task<string?> FieldOf(CreateKey request) =>
            (await Assert.ThrowsAsync<DomainException>(() => org.CreateKey(request, Caller.Operator()))).Field;

        Assert.Equal("roles", await FieldOf(new CreateKey("a", null, [])));
        Assert.Equal("roles", await FieldOf(new CreateKey("a", null, ["ghost"])));
        Assert.Equal("name", await FieldOf(new CreateKey("bad\u0001name", null, ["viewer"])));
        Assert.Equal("name", await FieldOf(new CreateKey(new string('x', 101), null, ["viewer"])));
        Assert.Equal("description", await FieldOf(new CreateKey("a", new string('x', 501), ["viewer"])));
        Assert.Equal("allowedIps", await FieldOf(new CreateKey("a", null, ["viewer"], null, ["10.0.0.0/33"])));
        Assert.Equal("allowedIps", await FieldOf(new CreateKey("a", null, ["viewer"], null, ["not-an-ip"])));
        // IPAddress.TryParse reads "10" as 0.0.0.10; a rule must be written out.
        Assert.Equal("allowedIps", await FieldOf(new CreateKey("a", null, ["viewer"], null, ["10"])));
        Assert.Equal("allowedIps", await FieldOf(new CreateKey("a", null, ["viewer"], null, ["10.1/16"])));
        Assert.Equal("expiresAt", await FieldOf(new CreateKey("a", null, ["viewer"], fx.Clock.GetUtcNow().AddSeconds(-1))));
        Assert.Equal(0, (await org.Get())!.ActiveKeyCount);
    }
}
