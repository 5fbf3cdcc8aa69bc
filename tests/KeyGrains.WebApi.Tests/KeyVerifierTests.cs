using System.Diagnostics;
using System.Reflection;
using KeyGrains.Keys;
using KeyGrains.Replicas;
using KeyGrains.WebApi.Verification;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KeyGrains.WebApi.Tests;

/// <summary>
/// The verification retry policy against a scripted key grain handing out copies: infrastructure
/// failures are retried within the budget, anything else and the budget's end surface at once, and
/// only a copy from the grain ever becomes a code.
/// </summary>
public sealed class KeyVerifierTests
{
    private static readonly string Key = KeyTagger.Legacy.NewKey(ApiKeyFormat.NewId());

    /// <summary>The key, revoked: what the scripted grain hands out once it answers.</summary>
    private static readonly KeyCopy Revoked = new(
        new KeyRecord
        {
            Id = ApiKeyFormat.TryReadId(Key, out var id) ? id.ToString() : "",
            OrgId = "acme",
            Version = 3,
            Name = "k",
            Roles = ["viewer"],
            Permissions = ["*:read"],
            SecretHash = ApiKeyFormat.Hash(Key),
            Last4 = Key[^4..],
            CreatedAt = DateTimeOffset.UnixEpoch,
            CreatedBy = "operator",
            RevokedAt = DateTimeOffset.UnixEpoch,
        },
        3);

    [Fact]
    public async Task Verify_WhenTheSiloFailsAFewTimes_ReturnsTheGrainsAnswer()
    {
        var grain = new ScriptedGrain(attempt => attempt <= 3 ? throw new OrleansException("silo gone") : Task.FromResult(Revoked));

        var result = await Verifier(grain, TimeSpan.FromSeconds(10)).VerifyAsync(Key, null, null);

        Assert.Equal(VerifyCode.Revoked, result.Code);
        Assert.Equal(4, grain.Attempts);
    }

    [Fact]
    public async Task Verify_WhenFailuresOutlastTheBudget_ThrowsTheInfrastructureFailureAtTheBudget()
    {
        var grain = new ScriptedGrain(_ => throw new TimeoutException("no answer"));
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAsync<TimeoutException>(() => Verifier(grain, TimeSpan.FromMilliseconds(400)).VerifyAsync(Key, null, null).AsTask());

        Assert.True(grain.Attempts > 1, $"{grain.Attempts} attempts");
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Verify_WhenACallHangs_GivesUpWhenTheBudgetEnds()
    {
        var grain = new ScriptedGrain(_ => new TaskCompletionSource<KeyCopy>().Task);
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAsync<TimeoutException>(() => Verifier(grain, TimeSpan.FromMilliseconds(300)).VerifyAsync(Key, null, null).AsTask());

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Verify_WhenTheFailureIsABug_DoesNotRetry()
    {
        var grain = new ScriptedGrain(_ => throw new InvalidOperationException("a bug"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => Verifier(grain, TimeSpan.FromSeconds(10)).VerifyAsync(Key, null, null).AsTask());

        Assert.Equal(1, grain.Attempts);
    }

    [Fact]
    public async Task Verify_WithAMalformedKey_NeverCallsTheGrain()
    {
        var grain = new ScriptedGrain(_ => throw new InvalidOperationException("must not be called"));

        Assert.Same(VerifyResult.NotFound, await Verifier(grain, TimeSpan.FromSeconds(10)).VerifyAsync("kg_nope", null, null));
        Assert.Equal(0, grain.Attempts);
    }

    private static KeyVerifier Verifier(ScriptedGrain grain, TimeSpan budget) => new(
        GrainFactoryProxy.For(grain),
        new NodeReplicas(GrainFactoryProxy.For(grain), new AuthorityClock(TimeProvider.System), TimeProvider.System, Options.Create(new ReplicaOptions())),
        KeyGrains.Keys.KeyTagSource.Of(KeyTagger.Legacy),
        Options.Create(new VerificationOptions { RetryBudget = budget }),
        TimeProvider.System,
        NullLogger<KeyVerifier>.Instance);

    internal sealed class ScriptedGrain(Func<int, Task<KeyCopy>> answer)
    {
        private int _attempts;

        public int Attempts => _attempts;

        public Task<KeyCopy> GetCopy() => answer(Interlocked.Increment(ref _attempts));
    }

    /// <summary>An <see cref="IGrainFactory"/> whose every key grain is the scripted one.</summary>
    public class GrainFactoryProxy : DispatchProxy
    {
        private object? _grain;

        internal static IGrainFactory For(object grain)
        {
            var factory = Create<IGrainFactory, GrainFactoryProxy>();
            ((GrainFactoryProxy)(object)factory)._grain = KeyGrainProxy.For((ScriptedGrain)grain);
            return factory;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod?.Name == nameof(IGrainFactory.GetGrain) ? _grain : throw new NotSupportedException(targetMethod?.Name);
    }

    public class KeyGrainProxy : DispatchProxy
    {
        private ScriptedGrain? _script;

        internal static IKeyCopySource For(ScriptedGrain script)
        {
            var grain = Create<IKeyCopySource, KeyGrainProxy>();
            ((KeyGrainProxy)(object)grain)._script = script;
            return grain;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod?.Name == nameof(IKeyCopySource.GetCopy) ? _script!.GetCopy() : throw new NotSupportedException(targetMethod?.Name);
    }
}
