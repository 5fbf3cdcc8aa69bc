using Microsoft.Extensions.DependencyInjection;
using KeyGrains.Keys;
using KeyGrains.WebApi.Verification;
using Orleans.Runtime;

namespace KeyGrains.Security.Tests;

/// <summary>
/// A well-formed key with a checksum anybody can compute used to cost a grain activation and a
/// storage read per distinct id. Its tag is now a MAC under the server's secret: a forgery is
/// refused at the edge, with no grain call at all.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ForgedKeyTests(ApiFixture fixture)
{
    private readonly ApiHost _host = fixture.Host;

    [Fact]
    public async Task AHundredThousandForgedWellFormedKeys_ActivateNoGrain_AndGrowMemoryByLessThan50MB()
    {
        var verifier = _host.Services.GetRequiredService<KeyVerifier>();
        var management = _host.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var org = await _host.NewOrg();
        var real = (await _host.NewKey(org, ["viewer"])).Str("key");
        var keyGrainsBefore = await KeyGrainActivations(management);
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);

        // Each forgery has a fresh id and a well-formed tail: a public-checksum key, or a random tag.
        for (var i = 0; i < 100_000; i++)
        {
            var forged = i % 2 == 0 ? KeyTagger.Legacy.NewKey(ApiKeyFormat.NewId()) : RandomTag(ApiKeyFormat.NewId());
            Assert.Equal(VerifyCode.NotFound, (await verifier.VerifyAsync(forged, null, null)).Code);
        }

        for (var i = 0; i < 500; i++)
        {
            Assert.Equal("NOT_FOUND", (await _host.Verify(KeyTagger.Legacy.NewKey(ApiKeyFormat.NewId()))).Ok().Str("code"));
        }

        var grown = GC.GetTotalMemory(forceFullCollection: true) - memoryBefore;
        Assert.Equal(keyGrainsBefore, await KeyGrainActivations(management));
        Assert.True(grown < 50L * 1024 * 1024, $"memory grew by {grown / 1024 / 1024} MB");
        Assert.Equal("VALID", (await _host.Verify(real)).Str("code"));
    }

    [Fact]
    public async Task AKeyOfThisServer_WithAnotherTail_IsRefusedAtTheEdge_AndTheRealOneStillVerifies()
    {
        var org = await _host.NewOrg();
        var real = (await _host.NewKey(org, ["viewer"])).Str("key");
        var management = _host.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var before = await KeyGrainActivations(management);

        Assert.Equal("NOT_FOUND", (await _host.Verify(real[..^6] + RandomTag(ApiKeyFormat.NewId())[^6..])).Str("code"));
        Assert.Equal("NOT_FOUND", (await _host.Verify(KeyTagger.Legacy.NewKey(ApiKeyFormat.NewId()))).Str("code"));
        Assert.Equal(before, await KeyGrainActivations(management));
        Assert.Equal("VALID", (await _host.Verify(real)).Str("code"));
    }

    private static string RandomTag(string keyId) =>
        new KeyTagger([System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)], acceptLegacy: false).NewKey(keyId);

    private static async Task<int> KeyGrainActivations(IManagementGrain management) =>
        (await management.GetSimpleGrainStatistics())
            .Where(s => s.GrainType.Contains("ApiKeyGrain", StringComparison.Ordinal))
            .Sum(s => s.ActivationCount);
}
