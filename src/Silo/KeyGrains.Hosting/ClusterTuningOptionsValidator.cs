using Microsoft.Extensions.Options;

namespace KeyGrains.Hosting;

public sealed class ClusterTuningOptionsValidator : IValidateOptions<ClusterTuningOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterTuningOptions options)
    {
        var failures = new List<string>();
        Positive(failures, nameof(options.ResponseTimeout), options.ResponseTimeout);
        Positive(failures, nameof(options.ProbeTimeout), options.ProbeTimeout);
        Positive(failures, nameof(options.MinProbeTimeout), options.MinProbeTimeout);
        Positive(failures, nameof(options.IAmAliveTablePublishTimeout), options.IAmAliveTablePublishTimeout);
        Positive(failures, nameof(options.TableRefreshTimeout), options.TableRefreshTimeout);
        Positive(failures, nameof(options.GatewayListRefreshPeriod), options.GatewayListRefreshPeriod);
        AtLeastASecond(failures, nameof(options.CollectionAge), options.CollectionAge);
        AtLeastASecond(failures, nameof(options.KeyCollectionAge), options.KeyCollectionAge);

        if (options.NumMissedProbesLimit < 1)
        {
            failures.Add($"{ClusterTuningOptions.SectionName}:NumMissedProbesLimit is {options.NumMissedProbesLimit} but must be at least 1.");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }

    private static void AtLeastASecond(List<string> failures, string setting, TimeSpan? value)
    {
        if (value is { } age && age < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{ClusterTuningOptions.SectionName}:{setting} is {age} but must be at least 00:00:01.");
        }
    }

    private static void Positive(List<string> failures, string setting, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{ClusterTuningOptions.SectionName}:{setting} is {value} but must be positive.");
        }
    }
}
