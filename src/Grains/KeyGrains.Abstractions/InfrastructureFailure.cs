using System.Data.Common;
using System.Net.Sockets;

namespace KeyGrains;

/// <summary>
/// Failures of the cluster or its storage, as opposed to a refusal or a bug: worth a retry, and
/// answered 503 when retries run out, never as a wrong answer.
/// </summary>
public static class InfrastructureFailure
{
    /// <summary>The cluster or storage could not answer: a timeout, an Orleans failure, or <see cref="IsStorage"/>.</summary>
    public static bool Is(Exception? e) => e switch
    {
        null or DomainException => false,
        TimeoutException or OrleansException or StorageUnavailableException => true,
        AggregateException { InnerException: { } inner } => Is(inner),
        _ => IsStorage(e),
    };

    /// <summary>
    /// The database or the network to it failed, anywhere in the chain of causes. A grain turns
    /// these into <see cref="StorageUnavailableException"/>, which crosses grain calls intact.
    /// </summary>
    public static bool IsStorage(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is DbException or SocketException)
            {
                return true;
            }
        }

        return false;
    }
}
