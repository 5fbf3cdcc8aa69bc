using Microsoft.Extensions.Options;

namespace KeyGrains.WebApi.Auth;

/// <summary>
/// At start: the configured <c>Authority:OperatorToken</c> (stored in place of any earlier hash, so
/// changing the setting rotates the token), or a regenerated token when asked, or else the hash
/// stored in the cluster, or else (first start) a new token whose hash is stored and printed once.
/// </summary>
public sealed class OperatorTokenSetup(IOptions<OperatorTokenOptions> options, IGrainFactory grains, OperatorCredential credential) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<IOperatorGrain>(0);
        if (options.Value.Token is { } configured)
        {
            var hash = OperatorCredential.Hash(configured);
            await grain.ReplaceTokenHash(hash);
            credential.SetHash(hash);
            return;
        }

        if (options.Value.RegenerateOperatorToken)
        {
            var token = OperatorCredential.NewToken();
            var hash = OperatorCredential.Hash(token);
            await grain.ReplaceTokenHash(hash);
            credential.SetHash(hash);
            Show(token, "Authority:RegenerateOperatorToken was set; the previous token no longer works");
            return;
        }

        if (await grain.GetTokenHash() is { } stored)
        {
            credential.SetHash(stored);
            return;
        }

        var generated = OperatorCredential.NewToken();
        var generatedHash = OperatorCredential.Hash(generated);
        if (await grain.TrySetTokenHash(generatedHash))
        {
            credential.SetHash(generatedHash);
            Show(generated, "no Authority:OperatorToken was configured");
            return;
        }

        // Another node stored its token first: that one is the operator's.
        credential.SetHash(await grain.GetTokenHash() ?? throw new InvalidOperationException("The operator token hash vanished."));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Straight to the console, not through logging: log sinks may persist what they receive.
    private static void Show(string token, string why) => Console.WriteLine($"""

        KeyGrains generated the operator token ({why}):

            {token}

        Keep it now: it is shown this once and only its hash is stored. Present it as
        'Authorization: Bearer <token>'.

        """);
}
