using KeyGrains.Tests.Support;

namespace KeyGrains.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class AuditTests(ClusterFixture fx)
{
    [Fact]
    public async Task EveryChange_IsAudited_NewestFirst_WithoutSecrets()
    {
        var org = await fx.NewOrgAsync();
        var actor = Caller.Key("abcdefghijklmnop", "203.0.113.5");
        var key = await org.CreateKey(new CreateKey("k", null, ["viewer"]), actor);
        var rotated = await org.RotateKey(key.Key.Id, 0, actor);
        await org.UpdateKey(key.Key.Id, new UpdateKey(Name: "n"), actor);
        await org.UpsertRole("r", null, ["a:read"], actor);
        await org.DeleteRole("r", actor);
        await org.RevokeKey(key.Key.Id, actor);
        await org.DeleteKey(key.Key.Id, actor);
        var at = DateTimeOffset.UtcNow;
        await org.RecordRefusals([new RefusalSummary("key:zzzzzzzzzzzzzzzz", "198.51.100.7", "GET /v1/orgs/x/keys/" + new string('k', 5_000), "forbidden", 3, at, at.AddSeconds(5))]);

        var page = await org.GetAudit(50, null);

        Assert.Equal(
            ["auth.refused", "key.deleted", "key.revoked", "role.deleted", "role.upserted", "key.updated", "key.rotated", "key.created", "org.created"],
            page.Items.Select(e => e.Action));
        Assert.Equal("key:abcdefghijklmnop", page.Items[1].Actor);
        Assert.Equal("203.0.113.5", page.Items[1].SourceIp);
        Assert.Equal("198.51.100.7", page.Items[0].SourceIp);
        Assert.Equal("key:zzzzzzzzzzzzzzzz", page.Items[0].Actor);
        Assert.Equal(RefusalSummary.MaxTargetLength, page.Items[0].Target.Length);
        Assert.Equal("3", page.Items[0].Details!["count"]);
        Assert.Equal("forbidden", page.Items[0].Details!["reason"]);
        Assert.Null(page.Next);
        var text = System.Text.Json.JsonSerializer.Serialize(page);
        Assert.DoesNotContain(key.Secret[4..^6], text);
        Assert.DoesNotContain(rotated.Secret[4..^6], text);
    }

    [Fact]
    public async Task Pages_CrossLogSegments_WithoutGapsOrRepeats()
    {
        var org = await fx.NewOrgAsync();
        for (var i = 0; i < 249; i++)
        {
            await org.Update(new UpdateOrg(Name: "Acme " + i), Caller.Operator());
        }

        var ids = new List<long>();
        long? before = null;
        do
        {
            var page = await org.GetAudit(70, before);
            ids.AddRange(page.Items.Select(e => e.Id));
            before = page.Next;
        }
        while (before is not null);

        Assert.Equal(Enumerable.Range(1, 250).Reverse().Select(i => (long)i), ids);
    }

    [Fact]
    public async Task RefusalForAnUnknownOrganization_RecordsNothingAndCreatesNothing()
    {
        var org = fx.Org("org-" + Guid.NewGuid().ToString("N")[..10]);

        var writes = fx.Storage.WritesOf(org.GetGrainId());

        await org.RecordRefusals([new RefusalSummary("operator", null, "x", "y", 1, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow)]);

        Assert.Null(await org.Get());
        Assert.Equal(writes, fx.Storage.WritesOf(org.GetGrainId()));
    }
}
