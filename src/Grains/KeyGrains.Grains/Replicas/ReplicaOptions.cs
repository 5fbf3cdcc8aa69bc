using Microsoft.Extensions.Options;

namespace KeyGrains.Replicas;

/// <summary><c>Replicas</c> settings: how nodes hold copies of keys and how changes reach them.</summary>
public sealed class ReplicaOptions
{
    public const string Section = "Replicas";

    /// <summary>
    /// How long a node's lease lasts from before it asked. A node that stops hearing from the cluster
    /// answers from its copies at most this long; a change waits at most this long for a node that
    /// does not confirm it, so it is at most 15 s (a change's call times out at 20 s). Nodes renew
    /// four times per lease, one call per node whatever the number of keys.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a change waits for each node to confirm it dropped its copies, before it expels the node and waits out its lease.</summary>
    public TimeSpan ConfirmTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Keys one node holds copies of at most; past it, the copies unused for longest go first.</summary>
    public int MaxKeys { get; set; } = 100_000;
}

public sealed class ReplicaOptionsValidator : IValidateOptions<ReplicaOptions>
{
    public ValidateOptionsResult Validate(string? name, ReplicaOptions options)
    {
        var failures = new List<string>();
        // A change that waits out a silent node's lease must still answer within its call's timeout.
        if (options.LeaseDuration < TimeSpan.FromSeconds(1) || options.LeaseDuration > TimeSpan.FromSeconds(15))
        {
            failures.Add($"{ReplicaOptions.Section}:LeaseDuration is {options.LeaseDuration} but must be between 00:00:01 and 00:00:15.");
        }

        if (options.ConfirmTimeout <= TimeSpan.Zero || options.ConfirmTimeout >= options.LeaseDuration)
        {
            failures.Add($"{ReplicaOptions.Section}:ConfirmTimeout is {options.ConfirmTimeout} but must be positive and shorter than LeaseDuration.");
        }

        if (options.MaxKeys is < 100 or > 10_000_000)
        {
            failures.Add($"{ReplicaOptions.Section}:MaxKeys is {options.MaxKeys} but must be between 100 and 10000000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
