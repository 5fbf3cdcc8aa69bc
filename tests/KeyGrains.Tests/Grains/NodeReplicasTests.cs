using System.Diagnostics;
using KeyGrains.Replicas;
using KeyGrains.Tests.Support;

namespace KeyGrains.Tests.Grains;

/// <summary>
/// A node's copies of keys, which a web API answers from: they answer exactly as the grain does,
/// every change reaches them before it is acknowledged, no copy older than a version heard of is
/// taken, and a node that does not confirm a change is expelled once its lease has run out.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NodeReplicasTests(ClusterFixture fx)
{
    private static readonly CreateKey Viewer = new("ci", null, ["viewer"]);

    /// <summary>The node's answer from its copy, or null when it would have to ask the grain.</summary>
    private VerifyResult? FromCopy(string key, string? ip = null, params string[] permissions)
    {
        Assert.True(ApiKeyFormat.TryReadId(key, out var id));
        return fx.Node.TryVerify(id, key, ip is null ? null : System.Net.IPAddress.Parse(ip), permissions, out var result) ? result : null;
    }

    /// <summary>Verifies as the web API does: from the copy, else by fetching one.</summary>
    private async Task<VerifyResult> VerifyAsync(string key, string? ip = null, params string[] permissions)
    {
        Assert.True(ApiKeyFormat.TryReadId(key, out var id));
        return FromCopy(key, ip, permissions)
            ?? await fx.Node.FetchAndVerifyAsync(id.ToString(), key, ip is null ? null : System.Net.IPAddress.Parse(ip), permissions);
    }

    [Fact]
    public async Task AKeyIsAnsweredFromItsCopyAfterTheFirstFetch_AndItsRevocationIsSeenOnTheNextCall()
    {
        var org = await fx.NewOrgAsync();
        var key = await org.CreateKey(Viewer, Caller.Operator());

        Assert.Null(FromCopy(key.Secret));
        Assert.Equal(VerifyCode.Valid, (await VerifyAsync(key.Secret, null, "clusters:read")).Code);
        Assert.Equal(VerifyCode.Valid, FromCopy(key.Secret, null, "clusters:read")?.Code);
        Assert.Equal(VerifyCode.InsufficientPermissions, FromCopy(key.Secret, null, "clusters:write")?.Code);
        Assert.Equal(VerifyCode.NotFound, FromCopy(KeyTagger.Legacy.NewKey(key.Key.Id))?.Code);

        await org.RevokeKey(key.Key.Id, Caller.Operator());

        Assert.Null(FromCopy(key.Secret));
        Assert.Equal(VerifyCode.Revoked, (await VerifyAsync(key.Secret)).Code);
        Assert.Equal(VerifyCode.Revoked, FromCopy(key.Secret)?.Code);
    }

    [Fact]
    public async Task RotationRoleChangesAndIpRules_ReachTheCopiesBeforeTheCallReturns()
    {
        var org = await fx.NewOrgAsync();
        await org.UpsertRole("ops", null, ["clusters:read"], Caller.Operator());
        var key = await org.CreateKey(new CreateKey("k", null, ["ops"]), Caller.Operator());
        Assert.Equal(VerifyCode.Valid, (await VerifyAsync(key.Secret, "10.0.0.1", "clusters:read")).Code);

        var rotated = await org.RotateKey(key.Key.Id, 0, Caller.Operator());
        Assert.Equal(VerifyCode.Valid, (await VerifyAsync(rotated.Secret, "10.0.0.1", "clusters:read")).Code);
        await org.UpsertRole("ops", null, ["clusters:*"], Caller.Operator());
        Assert.Equal(VerifyCode.Valid, (await VerifyAsync(rotated.Secret, "10.0.0.1", "clusters:write")).Code);
        await org.UpdateKey(key.Key.Id, new UpdateKey(AllowedIps: ["10.0.0.0/8"]), Caller.Operator());

        Assert.Equal(VerifyCode.NotFound, (await VerifyAsync(key.Secret, "10.0.0.1")).Code);
        Assert.Equal(VerifyCode.Valid, (await VerifyAsync(rotated.Secret, "10.0.0.1", "clusters:write")).Code);
        Assert.Equal(VerifyCode.IpNotAllowed, (await VerifyAsync(rotated.Secret, "192.0.2.1")).Code);
    }

    [Fact]
    public async Task ADeletedKeyIsGoneFromTheNode_AndAHotKeyOutlivesItsGrainsActivation()
    {
        var org = await fx.NewOrgAsync();
        var deleted = await org.CreateKey(Viewer, Caller.Operator());
        var hot = await org.CreateKey(Viewer, Caller.Operator());
        Assert.Equal(VerifyCode.Valid, (await VerifyAsync(deleted.Secret)).Code);
        Assert.Equal(VerifyCode.Valid, (await VerifyAsync(hot.Secret)).Code);

        await org.DeleteKey(deleted.Key.Id, Caller.Operator());
        await fx.Cluster.DeactivateAsync(fx.Key(hot.Key.Id));

        Assert.Null(FromCopy(deleted.Secret));
        Assert.Equal(VerifyCode.NotFound, (await VerifyAsync(deleted.Secret)).Code);
        Assert.Equal(VerifyCode.Valid, FromCopy(hot.Secret)?.Code);

        // Its grain comes back with a storage read only when the key changes, and the change still reaches the copy.
        await org.RevokeKey(hot.Key.Id, Caller.Operator());
        Assert.Equal(VerifyCode.Revoked, (await VerifyAsync(hot.Secret)).Code);
    }

    [Fact]
    public async Task ACopyOlderThanAVersionTheNodeHeardOf_IsRefused()
    {
        var org = await fx.NewOrgAsync();
        var key = await org.CreateKey(Viewer, Caller.Operator());
        Assert.Equal(VerifyCode.Valid, (await VerifyAsync(key.Secret)).Code);

        // As if a change at version 1000 had been announced while a stale activation still offers
        // what it holds: the grain asks its organization, finds nothing newer, and the node refuses it.
        await fx.Node.Drop([new KeyVersion(key.Key.Id, 1000)]);

        await Assert.ThrowsAsync<StaleCopyException>(() => fx.Node.FetchAndVerifyAsync(key.Key.Id, key.Secret, null, null).AsTask());
        Assert.Null(FromCopy(key.Secret));
        Assert.Throws<StaleCopyException>(() => Replica(key.Key.Id).Take(new KeyCopy(null, 999), keep: true));
    }

    [Fact]
    public async Task ANodeThatDoesNotConfirmAChange_IsExpelled_AndTheChangeWaitsOutItsLease()
    {
        var org = await fx.NewOrgAsync();
        var key = await org.CreateKey(Viewer, Caller.Operator());
        var registry = fx.Client.GetGrain<IReplicaRegistry>(0);
        var silent = new SilentNode();
        var reference = fx.Client.CreateObjectReference<IReplicaNode>(silent);
        var lease = await registry.Join(reference);

        var took = Stopwatch.StartNew();
        await org.RevokeKey(key.Key.Id, Caller.Operator());
        took.Stop();

        // The confirmation timeout, then the rest of the silent node's lease; never much more.
        var lower = ClusterFixture.Replicas.LeaseDuration - TimeSpan.FromMilliseconds(200);
        Assert.InRange(took.Elapsed, lower, ClusterFixture.Replicas.LeaseDuration + TimeSpan.FromSeconds(3));
        Assert.True(silent.Asked);
        Assert.False(await registry.Renew(lease.NodeId));
        Assert.Equal(VerifyCode.Revoked, (await VerifyAsync(key.Secret)).Code);

        // With the silent node gone, the next change waits for nobody.
        var quick = Stopwatch.StartNew();
        await org.RevokeKey((await org.CreateKey(Viewer, Caller.Operator())).Key.Id, Caller.Operator());
        Assert.True(quick.Elapsed < ClusterFixture.Replicas.LeaseDuration, $"took {quick.Elapsed}");
        fx.Client.DeleteObjectReference<IReplicaNode>(reference);
    }

    [Fact]
    public async Task DroppingEveryCopyEverywhere_LeavesTheNodeAskingAgain_AtTheVersionsItHeardOf()
    {
        var org = await fx.NewOrgAsync();
        var key = await org.CreateKey(Viewer, Caller.Operator());
        Assert.Equal(VerifyCode.Valid, (await VerifyAsync(key.Secret)).Code);
        Assert.NotNull(FromCopy(key.Secret));
        var version = Replica(key.Key.Id).Version;

        await CopyDrops.DropAllEverywhereAsync(fx.Client, ClusterFixture.Replicas.ConfirmTimeout);

        Assert.Null(FromCopy(key.Secret));
        Assert.Equal(version, Replica(key.Key.Id).Version);
        Assert.Equal(VerifyCode.Valid, (await VerifyAsync(key.Secret)).Code);
        Assert.Equal(VerifyCode.Valid, FromCopy(key.Secret)?.Code);
    }

    [Fact]
    public async Task ASecretPresentedOnlyToACopy_CountsAsUsedWhenTheKeyRotatesAgain()
    {
        var org = await fx.NewOrgAsync();
        var key = await org.CreateKey(Viewer, Caller.Operator());
        var first = await org.RotateKey(key.Key.Id, 3600, Caller.Operator());
        Assert.Equal(VerifyCode.Valid, (await VerifyAsync(first.Secret)).Code);
        Assert.Equal(VerifyCode.Valid, FromCopy(first.Secret)?.Code);

        var second = await org.RotateKey(key.Key.Id, 3600, Caller.Operator());

        // The secret that verified on the node is the previous one now, within its grace; the older one has ended.
        Assert.Equal(VerifyCode.Valid, (await VerifyAsync(first.Secret)).Code);
        Assert.Equal(VerifyCode.Valid, (await VerifyAsync(second.Secret)).Code);
        Assert.Equal(VerifyCode.NotFound, (await VerifyAsync(key.Secret)).Code);
    }

    [Fact]
    public async Task LastUse_ThroughCopies_ReachesTheOrganizationWithinAReportPeriod()
    {
        var org = await fx.NewOrgAsync();
        var key = await org.CreateKey(Viewer, Caller.Operator());
        var orgId = org.GetGrainId();
        Assert.Equal(VerifyCode.Valid, (await VerifyAsync(key.Secret)).Code);
        var writesBefore = fx.Storage.WritesOf(orgId);

        for (var i = 0; i < 500; i++)
        {
            Assert.Equal(VerifyCode.Valid, FromCopy(key.Secret)?.Code);
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

    [Fact]
    public async Task CopiesOfOneOrganizationsKeys_NameItWithOneString_AndEachKeyWithTheNodesOwnId()
    {
        var org = await fx.NewOrgAsync();
        var first = await org.CreateKey(Viewer, Caller.Operator());
        var second = await org.CreateKey(Viewer, Caller.Operator());
        Assert.Equal(VerifyCode.Valid, (await VerifyAsync(first.Secret)).Code);
        Assert.Equal(VerifyCode.Valid, (await VerifyAsync(second.Secret)).Code);

        var (fromFirst, fromSecond) = (FromCopy(first.Secret)!, FromCopy(second.Secret)!);

        // What every forward authentication's headers read: the same string for the organization, and
        // for the key the string the node's lookup compared a moment before, not copies elsewhere.
        Assert.Equal(org.GetPrimaryKeyString(), fromFirst.OrgId);
        Assert.Same(fromFirst.OrgId, fromSecond.OrgId);
        Assert.Equal(first.Key.Id, fromFirst.KeyId);
        Assert.Same(fx.Node.Replicas.First(r => r.Key == first.Key.Id).Key, fromFirst.KeyId);
    }

    [Fact]
    public async Task AFullNode_KeepsItsKeysUntilOneIsTurnedAway_ThenDropsOneUnusedLongest_AndTellsItsGrain()
    {
        var org = await fx.NewOrgAsync(keyLimit: 101);
        var keys = new List<string>();
        for (var i = 0; i < 101; i++)
        {
            keys.Add((await org.CreateKey(Viewer, Caller.Operator())).Secret);
        }

        // A node of its own, bounded at 100 keys and leased by hand (no change reaches it: none is made).
        var node = new NodeReplicas(fx.Client, new AuthorityClock(fx.Clock), TimeProvider.System, Microsoft.Extensions.Options.Options.Create(new ReplicaOptions { MaxKeys = 100 }));
        node.Lease(Stopwatch.GetTimestamp(), TimeSpan.FromMinutes(5));
        bool Held(string key) => ApiKeyFormat.TryReadId(key, out var id) && node.TryVerify(id, key, null, null, out _);
        async Task<VerifyCode> Fetch(string key) => (await node.FetchAndVerifyAsync(key[3..19], key, null, null)).Code;

        foreach (var key in keys[..100])
        {
            Assert.Equal(VerifyCode.Valid, await Fetch(key));
        }

        // Full, and nobody waiting: a sweep drops nothing, however long the keys go unused.
        Assert.Empty(node.Sweep());
        Assert.Equal(100, node.Count);

        // In the next period all but the first ten are verified again.
        Assert.All(keys[10..100], key => Assert.True(Held(key)));
        Assert.Empty(node.Sweep());
        Assert.Equal(100, node.Count);

        // The 101st key is answered, from a copy the full node does not keep...
        Assert.Equal(VerifyCode.Valid, await Fetch(keys[100]));
        Assert.False(Held(keys[100]));

        // ...so the next sweep drops one of the ten unused longest, and says its secret was presented here.
        var oldest = node.Replicas.Where(r => keys[..10].Any(key => key[3..19] == r.Key)).ToDictionary(r => r.Key, r => r.Value);
        Assert.Equal(10, oldest.Count);
        var dropped = Assert.Single(node.Sweep());
        Assert.Contains(dropped.KeyId, oldest.Keys);

        // A verification that found the key just before it left answers from no copy (it asks the grain).
        Assert.Null(oldest[dropped.KeyId].Copy);
        Assert.Equal(ApiKeyFormat.Hash(keys.Single(key => key[3..19] == dropped.KeyId)), dropped.SecretHash);
        Assert.Equal(99, node.Count);
        Assert.All(keys[10..100], key => Assert.True(Held(key)));

        // Now the new key is kept.
        Assert.Equal(VerifyCode.Valid, await Fetch(keys[100]));
        Assert.True(Held(keys[100]));
        Assert.Equal(100, node.Count);
    }

    private Replica Replica(string keyId) => fx.Node.Replicas.First(r => r.Key == keyId).Value;

    /// <summary>A node that never answers: frozen, or cut off from the cluster.</summary>
    private sealed class SilentNode : IReplicaNode
    {
        public bool Asked { get; private set; }

        public Task Drop(KeyVersion[] keys)
        {
            Asked = true;
            return new TaskCompletionSource().Task;
        }

        public Task DropAll() => new TaskCompletionSource().Task;

        public Task<bool> WasPresented(string keyId, byte[] secretHash) => new TaskCompletionSource<bool>().Task;
    }
}
