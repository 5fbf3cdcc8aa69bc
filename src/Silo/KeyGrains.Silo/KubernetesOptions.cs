using Microsoft.Extensions.Options;

namespace KeyGrains.Silo;

/// <summary>
/// <c>Kubernetes:Enabled</c>: the silo runs in a pod (deploy/k8s). Orleans then takes its cluster
/// identity and address from the pod (<c>ORLEANS_CLUSTER_ID</c>, <c>ORLEANS_SERVICE_ID</c>,
/// <c>POD_NAME</c>, <c>POD_NAMESPACE</c>, <c>POD_IP</c>) and deletes the pods of silos the cluster
/// declared dead, so Kubernetes replaces them.
/// </summary>
public sealed class KubernetesOptions
{
    public const string Section = "Kubernetes";

    public bool Enabled { get; set; }
}

public sealed class KubernetesOptionsValidator : IValidateOptions<KubernetesOptions>
{
    public ValidateOptionsResult Validate(string? name, KubernetesOptions options) => ValidateOptionsResult.Success;
}
