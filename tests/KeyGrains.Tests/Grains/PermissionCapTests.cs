using KeyGrains.Tests.Support;

namespace KeyGrains.Tests.Grains;

/// <summary>A key's roles grant at most 200 distinct permission patterns in all, built-in roles included.</summary>
[Collection(ClusterCollection.Name)]
public sealed class PermissionCapTests(ClusterFixture fx)
{
    private static string[] Patterns(string resource, int count) =>
        [.. Enumerable.Range(0, count).Select(i => $"{resource}:action{i}")];

    [Fact]
    public async Task CreateOrUpdate_WithRolesGrantingOver200Patterns_IsRefusedOnRoles()
    {
        var org = await fx.NewOrgAsync();
        await org.UpsertRole("a", null, Patterns("a", 100), Caller.Operator());
        await org.UpsertRole("b", null, Patterns("b", 100), Caller.Operator());

        var refused = await Assert.ThrowsAsync<DomainException>(() => org.CreateKey(new CreateKey("k", null, ["a", "b", "viewer"]), Caller.Operator()));
        Assert.Equal((ErrorCode.ValidationFailed, "roles"), (refused.Code, refused.Field));
        Assert.Contains("201", refused.Message);
        Assert.Empty((await org.ListKeys(new KeyQuery())).Items);

        // Exactly 200, and a pattern two roles share counts once.
        await org.UpsertRole("c", null, ["a:action0", "b:action0"], Caller.Operator());
        var key = await org.CreateKey(new CreateKey("k", null, ["a", "b", "c"]), Caller.Operator());
        refused = await Assert.ThrowsAsync<DomainException>(() => org.UpdateKey(key.Key.Id, new UpdateKey(Roles: ["a", "b", "viewer"]), Caller.Operator()));
        Assert.Equal((ErrorCode.ValidationFailed, "roles"), (refused.Code, refused.Field));
        Assert.Equal(["a", "b", "c"], (await org.GetKey(key.Key.Id)).Roles);
    }

    [Fact]
    public async Task UpsertRole_ThatWouldPushAHolderPast200_IsRefused_AndTheRoleIsUnchanged()
    {
        var org = await fx.NewOrgAsync();
        await org.UpsertRole("a", null, Patterns("a", 100), Caller.Operator());
        await org.UpsertRole("b", null, Patterns("b", 50), Caller.Operator());
        var key = await org.CreateKey(new CreateKey("k", null, ["a", "b", "viewer"]), Caller.Operator());

        var refused = await Assert.ThrowsAsync<DomainException>(() => org.UpsertRole("b", null, Patterns("b", 100), Caller.Operator()));

        Assert.Equal((ErrorCode.ValidationFailed, "permissions"), (refused.Code, refused.Field));
        Assert.Contains(key.Key.Id, refused.Message);
        Assert.Equal(Patterns("b", 50), (await org.GetRoles()).Single(r => r.Name == "b").Permissions);
        Assert.Equal(VerifyCode.InsufficientPermissions, (await fx.VerifyAsync(key.Secret, null, "b:action99")).Code);
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(key.Secret, null, "b:action49")).Code);
        Assert.DoesNotContain((await org.GetAudit(10, null)).Items, e => e.Action == AuditActions.RoleUpserted && e.Target == "role:b" && e.Details!["permissions"].Contains("b:action99"));

        // Up to the cap is fine.
        await org.UpsertRole("b", null, Patterns("b", 99), Caller.Operator());
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(key.Secret, null, "b:action98")).Code);
    }
}
