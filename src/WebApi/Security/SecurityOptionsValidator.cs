using Microsoft.Extensions.Options;

namespace KeyGrains.WebApi.Security;

/// <summary>Every rule is checked at start, so a typo fails the start and never silently trusts nothing or everything.</summary>
public sealed class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        var failures = new List<string>();
        IpRules(failures, "Security:TrustedProxies", options.TrustedProxies);
        IpRules(failures, "Security:Throttling:ExemptNetworks", options.Throttling.ExemptNetworks);

        if (options.Throttling.FailureLimit is < 1 or > 1_000_000)
        {
            failures.Add($"Security:Throttling:FailureLimit is {options.Throttling.FailureLimit} but must be between 1 and 1000000.");
        }

        if (options.Throttling.MaxSources is < 1 or > 10_000_000)
        {
            failures.Add($"Security:Throttling:MaxSources is {options.Throttling.MaxSources} but must be between 1 and 10000000.");
        }

        if (options.RefusalAudit.Period < TimeSpan.FromSeconds(1) || options.RefusalAudit.Period > TimeSpan.FromHours(1))
        {
            failures.Add($"Security:RefusalAudit:Period is {options.RefusalAudit.Period} but must be between 00:00:01 and 01:00:00.");
        }

        if (options.RefusalAudit.MaxEntries is < 1 or > 1_000_000)
        {
            failures.Add($"Security:RefusalAudit:MaxEntries is {options.RefusalAudit.MaxEntries} but must be between 1 and 1000000.");
        }

        if (options.Throttling.WindowSeconds is < 1 or > 86_400)
        {
            failures.Add($"Security:Throttling:WindowSeconds is {options.Throttling.WindowSeconds} but must be between 1 and 86400.");
        }

        foreach (var origin in options.Cors.AllowedOrigins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.PathAndQuery != "/")
            {
                failures.Add($"Security:Cors:AllowedOrigins: '{origin}' is not an origin such as https://console.example.com.");
            }
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }

    private static void IpRules(List<string> failures, string setting, string[] rules)
    {
        foreach (var rule in rules)
        {
            if (Rules.IpRuleProblem(rule) is { } problem)
            {
                failures.Add($"{setting}: {problem}");
            }
        }
    }
}
