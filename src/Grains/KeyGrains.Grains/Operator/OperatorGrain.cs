namespace KeyGrains.Operator;

[GenerateSerializer, Alias("kg.OperatorState")]
public sealed class OperatorState
{
    [Id(0)] public byte[]? TokenHash { get; set; }

    /// <summary>The secrets that tag keys, oldest first (<see cref="IOperatorGrain.GetKeyTagSecrets"/>).</summary>
    [Id(1)] public List<byte[]> KeyTagSecrets { get; set; } = [];
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

    public async Task<byte[][]> GetKeyTagSecrets(int count)
    {
        if (count is < 1 or > 100)
        {
            throw DomainException.Invalid("count", "Between 1 and 100 key tag secrets.");
        }

        var secrets = state.State.KeyTagSecrets;
        if (secrets.Count < count)
        {
            var before = secrets.Count;
            while (secrets.Count < count)
            {
                secrets.Add(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            }

            try
            {
                await state.WriteStateAsync();
            }
            catch
            {
                secrets.RemoveRange(before, secrets.Count - before);
                throw;
            }
        }

        return [.. secrets];
    }

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
