using Microsoft.Extensions.Options;

namespace KeyGrains.Hosting.Observability;

/// <summary>Every network rule in the strict form the rest of KeyGrains takes, and a port that can exist.</summary>
public sealed class ObservabilityOptionsValidator : IValidateOptions<ObservabilityOptions>
{
    public ValidateOptionsResult Validate(string? name, ObservabilityOptions options)
    {
        var failures = new List<string>();
        Networks(failures, "Observability:MetricsNetworks", options.MetricsNetworks);
        Networks(failures, "Observability:DashboardNetworks", options.DashboardNetworks);
        if (options.HttpPort is < 0 or > 65535)
        {
            failures.Add($"Observability:HttpPort is {options.HttpPort} but must be 0 (none) or a port from 1 to 65535.");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }

    private static void Networks(List<string> failures, string setting, string[] rules)
    {
        for (var i = 0; i < rules.Length; i++)
        {
            if (!Validation.TryParseIpRule(rules[i], out _))
            {
                failures.Add($"{setting}:{i} is '{rules[i]}': {Rules.IpRuleProblem(rules[i])}");
            }
        }
    }
}
