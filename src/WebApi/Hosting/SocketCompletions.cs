namespace KeyGrains.WebApi.Hosting;

/// <summary>
/// Where the web API's socket completions run. .NET queues each one from the socket engine's thread
/// to the thread pool; with <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c> the engine (one per
/// core then) runs it itself, which saves a hand-off per read and per write. Kestrel still hands each
/// request to the thread pool, so no handler runs on an engine thread; what does is the transports'
/// read and write loops (Kestrel's, Orleans', Npgsql's), none of which blocks. Measured on a node of
/// 100,000 keys against the queued default: `/v1/auth` 1.17× the requests per second, verify 1.09×
/// (docs/performance.md). The runtime reads the variable once, when the first socket is made, so it is
/// set before anything else runs; an operator's own value, <c>0</c> included, is left as it is.
/// </summary>
public static class SocketCompletions
{
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Turns inline completions on unless the environment already says either way; true when it did.</summary>
    public static bool PreferInline()
    {
        if (Environment.GetEnvironmentVariable(Variable) is not null)
        {
            return false;
        }

        Environment.SetEnvironmentVariable(Variable, "1");
        return true;
    }
}
