namespace KeyGrains.WebApi.Auth;

/// <summary>
/// At start: the configured <c>Authority:OperatorToken</c>, or else the hash stored in the cluster,
/// or else (first start) a new token whose hash is stored and which is printed once.
/// </summary>
public sealed class OperatorTokenSetup(IConfiguration configuration, IGrainFactory grains, OperatorCredential credential) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var configured = configuration["Authority:OperatorToken"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            credential.SetHash(OperatorCredential.Hash(configured));
            return;
        }

        var grain = grains.GetGrain<IOperatorGrain>(0);
        if (await grain.GetTokenHash() is { } stored)
        {
            credential.SetHash(stored);
            return;
        }

        var token = OperatorCredential.NewToken();
        var hash = OperatorCredential.Hash(token);
        if (await grain.TrySetTokenHash(hash))
        {
            credential.SetHash(hash);

            // Straight to the console, not through logging: log sinks may persist what they receive.
            Console.WriteLine($"""

                KeyGrains generated the operator token (no Authority:OperatorToken was configured):

                    {token}

                Keep it now: it is shown this once and only its hash is stored. Present it as
                'Authorization: Bearer <token>'.

                """);
            return;
        }

        // Another node stored its token first: that one is the operator's.
        credential.SetHash(await grain.GetTokenHash() ?? throw new InvalidOperationException("The operator token hash vanished."));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
