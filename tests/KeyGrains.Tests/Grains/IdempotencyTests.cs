using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using KeyGrains.Organizations;
using KeyGrains.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace KeyGrains.Tests.Grains;

/// <summary>Creation and rotation under an idempotency token give their first answer again, and only that.</summary>
[Collection(ClusterCollection.Name)]
public sealed class IdempotencyTests(ClusterFixture fx) : IDisposable
{
    private static readonly CreateKey Viewer = new("ci", null, ["viewer"]);
    private static readonly byte[] ServerSecret = RandomNumberGenerator.GetBytes(32);

    public void Dispose() => fx.Storage.Heal();

    private static string NewHeader() => "idem-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(20));

    private static IdempotencyToken Token(IOrganizationGrain org, string header) =>
        IdempotencyToken.Derive(ServerSecret, org.GetPrimaryKeyString(), header);

    [Fact]
    public async Task Create_Replayed_ReturnsTheSameSecret_AndCountsOneKey()
    {
        var org = await fx.NewOrgAsync();
        var token = Token(org, NewHeader());

        var first = await org.CreateKey(Viewer, Caller.Operator(), token);
        var again = await org.CreateKey(Viewer with { Roles = ["viewer"] }, Caller.Operator(), token);

        Assert.Equal(first.Secret, again.Secret);
        Assert.Equal(first.Key.Id, again.Key.Id);
        Assert.Equal(1, (await org.Get())!.ActiveKeyCount);
        Assert.Single((await org.GetAudit(50, null)).Items, e => e.Action == AuditActions.KeyCreated);
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(again.Secret)).Code);
    }

    [Fact]
    public async Task Rotate_Replayed_ReturnsTheSameSecret_AndLeavesTheOriginalGraceAsItWas()
    {
        var org = await fx.NewOrgAsync();
        var original = await org.CreateKey(Viewer, Caller.Operator());
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(original.Secret)).Code);
        var token = Token(org, NewHeader());

        var rotated = await org.RotateKey(original.Key.Id, 3600, Caller.Operator(), token);
        fx.Clock.Advance(TimeSpan.FromMinutes(10));
        var again = await org.RotateKey(original.Key.Id, 3600, Caller.Operator(), token);

        Assert.Equal(rotated.Secret, again.Secret);
        Assert.Equal(rotated.PreviousSecretExpiresAt, again.PreviousSecretExpiresAt);
        Assert.Equal(rotated.Secret[^4..], (await org.GetKey(original.Key.Id)).Last4);
        Assert.Single((await org.GetAudit(50, null)).Items, e => e.Action == AuditActions.KeyRotated);
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(original.Secret)).Code);
        fx.Clock.Advance(rotated.PreviousSecretExpiresAt!.Value - fx.Clock.GetUtcNow() + TimeSpan.FromSeconds(1));
        Assert.Equal(VerifyCode.NotFound, (await fx.VerifyAsync(original.Secret)).Code);
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(rotated.Secret)).Code);
    }

    [Fact]
    public async Task SameToken_WithAnotherRequest_IsAConflict()
    {
        var org = await fx.NewOrgAsync();
        var token = Token(org, NewHeader());
        var created = await org.CreateKey(Viewer, Caller.Operator(), token);

        var otherBody = await Assert.ThrowsAsync<DomainException>(() => org.CreateKey(Viewer with { Name = "other" }, Caller.Operator(), token));
        var otherCall = await Assert.ThrowsAsync<DomainException>(() => org.RotateKey(created.Key.Id, 0, Caller.Operator(), token));

        Assert.Equal(ErrorCode.Conflict, otherBody.Code);
        Assert.Equal(ErrorCode.Conflict, otherCall.Code);
        Assert.Equal(1, (await org.Get())!.ActiveKeyCount);
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(created.Secret)).Code);
    }

    [Fact]
    public async Task AnAnswerOlderThanADay_IsForgotten()
    {
        var org = await fx.NewOrgAsync();
        var token = Token(org, NewHeader());
        var first = await org.CreateKey(Viewer, Caller.Operator(), token);

        fx.Clock.Advance(IdempotencyToken.Lifetime + TimeSpan.FromSeconds(1));
        var later = await org.CreateKey(Viewer, Caller.Operator(), token);

        Assert.NotEqual(first.Secret, later.Secret);
        Assert.Equal(2, (await org.Get())!.ActiveKeyCount);
        var stored = await StoredOrgAsync(org);
        Assert.Single(stored.Answers);
    }

    [Fact]
    public async Task Create_WhenTheWriteThatFinishesItFails_LeavesNoAnswer_AndTheRetryCreatesOneKey()
    {
        var org = await fx.NewOrgAsync();
        var orgId = org.GetGrainId();
        var token = Token(org, NewHeader());
        fx.Storage.FailNext(id => id == orgId, count: 1, skip: 1);

        await Assert.ThrowsAnyAsync<Exception>(() => org.CreateKey(Viewer, Caller.Operator(), token));
        fx.Storage.Heal();
        var retried = await org.CreateKey(Viewer, Caller.Operator(), token);

        Assert.Equal(1, (await org.Get())!.ActiveKeyCount);
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(retried.Secret)).Code);
        Assert.Equal(retried.Secret, (await org.CreateKey(Viewer, Caller.Operator(), token)).Secret);
    }

    [Fact]
    public async Task StoredState_HoldsNeitherTheIdempotencyKeyNorTheSecret()
    {
        var org = await fx.NewOrgAsync();
        var header = NewHeader();
        var created = await org.CreateKey(Viewer, Caller.Operator(), Token(org, header));
        var rotated = await org.RotateKey(created.Key.Id, 60, Caller.Operator(), Token(org, header + "-rotate"));

        var stored = await StoredOrgAsync(org);
        Assert.Equal(2, stored.Answers.Count);
        var serializer = fx.Cluster.GetSiloServiceProvider(fx.Cluster.Silos[0].SiloAddress).GetRequiredService<Serializer>();
        byte[][] forms = [serializer.SerializeToArray(stored), JsonSerializer.SerializeToUtf8Bytes(stored)];
        foreach (var bytes in forms)
        {
            foreach (var secret in new[] { header, created.Secret, rotated.Secret, created.Secret[^20..], rotated.Secret[^20..] })
            {
                Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"'{secret[^4..]}' is stored in clear");
                Assert.True(bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(secret)) < 0, $"'{secret[^4..]}' is stored in clear (UTF-16)");
            }
        }
    }

    private async Task<OrganizationState> StoredOrgAsync(IOrganizationGrain org)
    {
        var stored = new StoredState<OrganizationState>();
        await fx.Storage.Inner.ReadStateAsync("org", org.GetGrainId(), stored);
        return stored.State;
    }
}
