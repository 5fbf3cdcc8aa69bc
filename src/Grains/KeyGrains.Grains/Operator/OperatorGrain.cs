namespace KeyGrains.Operator;

[GenerateSerializer, Alias("kg.OperatorState")]
public sealed class OperatorState
{
    [Id(0)] public byte[]? TokenHash { get; set; }
}

public sealed class OperatorGrain(
    [PersistentState("operator", GrainStorage.Name)] IPersistentState<OperatorState> state) : Grain, IOperatorGrain
{
    public async Task<bool> TrySetTokenHash(byte[] tokenHash)
    {
        if (state.State.TokenHash is not null)
        {
            return false;
        }

        await StoreAsync(tokenHash);
        return true;
    }

    public async Task ReplaceTokenHash(byte[] tokenHash)
    {
        if (state.State.TokenHash is { } stored && stored.AsSpan().SequenceEqual(tokenHash))
        {
            return;
        }

        await StoreAsync(tokenHash);
    }

    public Task<byte[]?> GetTokenHash() => Task.FromResult(state.State.TokenHash);

    private async Task StoreAsync(byte[] tokenHash)
    {
        if (tokenHash is not { Length: 32 })
        {
            throw DomainException.Invalid("tokenHash", "A SHA-256 hash is 32 bytes.");
        }

        var previous = state.State.TokenHash;
        state.State.TokenHash = tokenHash;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.TokenHash = previous;
            throw;
        }
    }
}
