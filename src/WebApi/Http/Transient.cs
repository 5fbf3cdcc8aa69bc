using System.Data.Common;

namespace KeyGrains.WebApi.Http;

/// <summary>Failures of the cluster or its storage, as opposed to a refusal or a bug.</summary>
public static class Transient
{
    public static bool IsInfrastructure(Exception e) => e switch
    {
        DomainException => false,
        TimeoutException or OrleansException or DbException or StorageUnavailableException => true,
        AggregateException { InnerException: { } inner } => IsInfrastructure(inner),
        _ => false,
    };
}
