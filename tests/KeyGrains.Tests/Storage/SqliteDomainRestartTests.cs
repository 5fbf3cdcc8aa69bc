namespace KeyGrains.Tests.Storage;

/// <summary>The real grains on the embedded store: everything is as it was after a restart.</summary>
public sealed class SqliteDomainRestartTests
{
    [Fact]
    public async Task OrganizationKeysRolesAndAudit_SurviveARestartOnTheSameFile()
    {
        using var file = new TempSqliteFile();
        NewKey kept, revoked, rotated;
        string secretBeforeRotation;
        await using (var first = await file.StartClusterAsync())
        {
            var org = first.Client.GetGrain<IOrganizationGrain>("acme");
            await org.Create(new CreateOrg("Acme", Plan.Enterprise, 5), Caller.Operator());
            await org.UpsertRole("ops", "operations", ["clusters:*"], Caller.Operator());
            kept = await org.CreateKey(new CreateKey("kept", "stays", ["ops"], null, ["10.0.0.0/8"]), Caller.Operator());
            revoked = await org.CreateKey(new CreateKey("revoked", null, ["viewer"]), Caller.Operator());
            var toRotate = await org.CreateKey(new CreateKey("rotated", null, ["viewer"]), Caller.Operator());
            secretBeforeRotation = toRotate.Secret;
            rotated = await org.RotateKey(toRotate.Key.Id, 3600, Caller.Operator());
            await org.RevokeKey(revoked.Key.Id, Caller.Operator());
            await first.StopAllSilosAsync();
        }

        await using var second = await file.StartClusterAsync();
        var again = second.Client.GetGrain<IOrganizationGrain>("acme");
        async Task<VerifyCode> Verify(string key, string? ip = null, params string[] permissions)
        {
            ApiKeyFormat.TryReadId(key, out var id);
            var request = new VerifyRequest(key, ip is null ? null : System.Net.IPAddress.Parse(ip), permissions);
            return (await second.Client.GetGrain<IApiKeyGrain>(id.ToString()).Verify(request)).Code;
        }

        var info = await again.Get();
        Assert.Equal(("Acme", Plan.Enterprise, 5, 2), (info!.Name, info.Plan, info.KeyLimit, info.ActiveKeyCount));
        Assert.Contains(await again.GetRoles(), r => r.Name == "ops" && r.Permissions.SequenceEqual(["clusters:*"]));
        Assert.Equal(VerifyCode.Valid, await Verify(kept.Secret, "10.2.3.4", "clusters:write"));
        Assert.Equal(VerifyCode.IpNotAllowed, await Verify(kept.Secret, "192.0.2.1"));
        Assert.Equal(VerifyCode.Revoked, await Verify(revoked.Secret));
        Assert.Equal(VerifyCode.Valid, await Verify(rotated.Secret));
        Assert.Equal(VerifyCode.Valid, await Verify(secretBeforeRotation));
        Assert.Equal(kept.Key with { }, (await again.GetKey(kept.Key.Id)) with { Roles = kept.Key.Roles, AllowedIps = kept.Key.AllowedIps });
        var audit = await again.GetAudit(50, null);
        Assert.Equal(["key.revoked", "key.rotated", "key.created", "key.created", "key.created", "role.upserted", "org.created"], audit.Items.Select(e => e.Action));
    }
}
