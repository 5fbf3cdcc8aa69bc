using Microsoft.Extensions.Logging;

namespace KeyGrains;

internal static class PersistentStateExtensions
{
    /// <summary>
    /// Writes the state; if the write fails, reads it back so memory does not run ahead of storage
    /// (what was not written did not happen), then rethrows.
    /// </summary>
    public static async Task WriteOrReloadAsync<T>(this IPersistentState<T> state, IGrainBase grain, ILogger logger)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            await state.TryReloadAsync(grain, logger);
            throw;
        }
    }

    /// <summary>Reads the state back; when even that fails, the grain deactivates so the next call starts clean.</summary>
    public static async Task<bool> TryReloadAsync<T>(this IPersistentState<T> state, IGrainBase grain, ILogger logger)
    {
        try
        {
            await state.ReadStateAsync();
            return true;
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not reload {GrainId}; deactivating", grain.GrainContext.GrainId);
            grain.DeactivateOnIdle();
            return false;
        }
    }
}
