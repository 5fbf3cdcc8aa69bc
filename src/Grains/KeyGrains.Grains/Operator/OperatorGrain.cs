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

        if (tokenHash is not { Length: 32 })
        {
            throw DomainException.Invalid("tokenHash", "A SHA-256 hash is 32 bytes.");
        }

        state.State.TokenHash = tokenHash;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.TokenHash = null;
            throw;
        }

        return true;
    }

    public Task<byte[]?> GetTokenHash() => Task.FromResult(state.State.TokenHash);
}
