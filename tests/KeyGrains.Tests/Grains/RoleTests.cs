using KeyGrains.Tests.Support;

namespace KeyGrains.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class RoleTests(ClusterFixture fx)
{
    [Fact]
    public async Task Roles_StartWithTheBuiltIns()
    {
        var org = await fx.NewOrgAsync();

        var roles = await org.GetRoles();

        Assert.Equal(["admin", "editor", "viewer"], roles.Select(r => r.Name));
        Assert.All(roles, r => Assert.True(r.BuiltIn));
        Assert.Equal(["*:read", "*:write"], roles.Single(r => r.Name == "editor").Permissions);
    }

    [Fact]
    public async Task ChangingARole_ReachesEveryKeyHoldingItBeforeReturning()
    {
        var org = await fx.NewOrgAsync();
        await org.UpsertRole("ops", "operations", ["clusters:read"], Caller.Operator());
        var keys = new List<NewKey>();
        for (var i = 0; i < 3; i++)
        {
            keys.Add(await org.CreateKey(new CreateKey("k", null, ["ops"]), Caller.Operator()));
        }

        Assert.Equal(VerifyCode.InsufficientPermissions, (await fx.VerifyAsync(keys[0].Secret, null, "clusters:write")).Code);

        await org.UpsertRole("ops", "operations", ["clusters:*"], Caller.Operator());

        foreach (var key in keys)
        {
            var result = await fx.VerifyAsync(key.Secret, null, "clusters:write");
            Assert.Equal(VerifyCode.Valid, result.Code);
            Assert.Equal(["clusters:*"], result.Permissions!);
        }
    }

    [Fact]
    public async Task DeletingARoleHeldByAnActiveKey_IsAConflict_UntilTheKeyIsRevoked()
    {
        var org = await fx.NewOrgAsync();
        await org.UpsertRole("ops", null, ["clusters:read"], Caller.Operator());
        var key = await org.CreateKey(new CreateKey("k", null, ["ops", "viewer"]), Caller.Operator());

        var error = await Assert.ThrowsAsync<DomainException>(() => org.DeleteRole("ops", Caller.Operator()));
        Assert.Equal(ErrorCode.Conflict, error.Code);

        await org.RevokeKey(key.Key.Id, Caller.Operator());
        await org.DeleteRole("ops", Caller.Operator());

        Assert.DoesNotContain(await org.GetRoles(), r => r.Name == "ops");
        var missing = await Assert.ThrowsAsync<DomainException>(() => org.DeleteRole("ops", Caller.Operator()));
        Assert.Equal(ErrorCode.NotFound, missing.Code);
    }

    [Fact]
    public async Task DeletingARoleHeldByAnExpiredKey_RemovesItsPermissionsFromThatKey()
    {
        var org = await fx.NewOrgAsync();
        await org.UpsertRole("ops", null, ["clusters:write"], Caller.Operator());
        var key = await org.CreateKey(new CreateKey("k", null, ["ops", "viewer"], fx.Clock.GetUtcNow().AddMinutes(1)), Caller.Operator());
        fx.Clock.Advance(TimeSpan.FromMinutes(2));

        await org.DeleteRole("ops", Caller.Operator());
        await org.UpdateKey(key.Key.Id, new UpdateKey(ClearExpiresAt: true), Caller.Operator());

        Assert.Equal(["viewer"], (await org.GetKey(key.Key.Id)).Roles);
        Assert.Equal(VerifyCode.InsufficientPermissions, (await fx.VerifyAsync(key.Secret, null, "clusters:write")).Code);
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("editor")]
    [InlineData("viewer")]
    public async Task BuiltInRoles_CannotBeChangedOrDeleted(string name)
    {
        var org = await fx.NewOrgAsync();

        var change = await Assert.ThrowsAsync<DomainException>(() => org.UpsertRole(name, null, ["x:read"], Caller.Operator()));
        var delete = await Assert.ThrowsAsync<DomainException>(() => org.DeleteRole(name, Caller.Operator()));

        Assert.Equal((ErrorCode.Conflict, ErrorCode.Conflict), (change.Code, delete.Code));
    }

    [Theory]
    [InlineData("Bad", "x:read", "name")]
    [InlineData("-bad", "x:read", "name")]
    [InlineData("good", "x", "permissions")]
    [InlineData("good", "x:Read", "permissions")]
    [InlineData("good", "x:read:more", "permissions")]
    public async Task UpsertRole_ValidatesNameAndPermissions(string name, string permission, string field)
    {
        var org = await fx.NewOrgAsync();

        var error = await Assert.ThrowsAsync<DomainException>(() => org.UpsertRole(name, null, [permission], Caller.Operator()));

        Assert.Equal((ErrorCode.ValidationFailed, field), (error.Code, error.Field));
    }
}
