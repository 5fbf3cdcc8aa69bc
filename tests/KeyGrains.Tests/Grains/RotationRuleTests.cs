using KeyGrains.Tests.Support;

namespace KeyGrains.Tests.Grains;

/// <summary>
/// A rotation repeated because its answer was lost must not end the secret its caller still uses:
/// a current secret never presented ends instead, and the previous one keeps its grace. (A second
/// rotation after the new secret was presented is the ordinary one: <see cref="KeyLifecycleTests"/>.)
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RotationRuleTests(ClusterFixture fx)
{
    private static readonly CreateKey Viewer = new("ci", null, ["viewer"]);

    [Fact]
    public async Task Rotate_Again_BeforeTheNewSecretWasPresented_KeepsThePreviousSecret_AndEndsTheUnusedOne()
    {
        var org = await fx.NewOrgAsync();
        var s1 = await org.CreateKey(Viewer, Caller.Operator());
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(s1.Secret)).Code);
        var s2 = await org.RotateKey(s1.Key.Id, 3600, Caller.Operator());

        fx.Clock.Advance(TimeSpan.FromMinutes(1));
        var s3 = await org.RotateKey(s1.Key.Id, 60, Caller.Operator());

        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(s1.Secret)).Code);
        Assert.Equal(VerifyCode.NotFound, (await fx.VerifyAsync(s2.Secret)).Code);
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(s3.Secret)).Code);
        // The longer of the remaining grace (59 minutes) and the new one (1 minute).
        Assert.Equal(s2.PreviousSecretExpiresAt, s3.PreviousSecretExpiresAt);
        fx.Clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(s1.Secret)).Code);
    }

    [Fact]
    public async Task Rotate_Again_WhenTheKeyGrainCannotTell_IsTheOrdinaryRotation()
    {
        var org = await fx.NewOrgAsync();
        var s1 = await org.CreateKey(Viewer, Caller.Operator());
        var s2 = await org.RotateKey(s1.Key.Id, 3600, Caller.Operator());
        await fx.Cluster.DeactivateAsync(fx.Key(s1.Key.Id));

        var s3 = await org.RotateKey(s1.Key.Id, 3600, Caller.Operator());

        // Not knowing counts as presented: no secret is ended on a guess that it is unused.
        Assert.Equal(VerifyCode.NotFound, (await fx.VerifyAsync(s1.Secret)).Code);
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(s2.Secret)).Code);
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(s3.Secret)).Code);
    }

    [Fact]
    public async Task Rotate_Again_AfterThePreviousGraceEnded_IsTheOrdinaryRotation()
    {
        var org = await fx.NewOrgAsync();
        var s1 = await org.CreateKey(Viewer, Caller.Operator());
        var s2 = await org.RotateKey(s1.Key.Id, 60, Caller.Operator());
        fx.Clock.Advance(TimeSpan.FromSeconds(61));

        var s3 = await org.RotateKey(s1.Key.Id, 60, Caller.Operator());

        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(s2.Secret)).Code);
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(s3.Secret)).Code);
    }
}
