using Microsoft.Extensions.Logging;

namespace KeyGrains.Storage;

/// <summary>
/// Turns a database failure inside any grain call into <see cref="StorageUnavailableException"/>,
/// which reaches the caller intact: otherwise the driver's exception fails to serialize and the
/// caller sees a codec error it cannot tell from a bug. Version conflicts are left as they are.
/// </summary>
public sealed class StorageFailureFilter(ILogger<StorageFailureFilter> logger) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception e) when (InfrastructureFailure.IsStorage(e))
        {
            logger.LogWarning(e, "Storage failed during {Method} on {Grain}", context.MethodName, context.TargetId);
            throw new StorageUnavailableException("Storage is unavailable; try again shortly.");
        }
    }
}
