using Microsoft.Extensions.Options;

namespace KeyGrains;

public sealed class AuthorityOptionsValidator : IValidateOptions<AuthorityOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthorityOptions options)
    {
        var failures = new List<string>();
        if (options.DefaultKeyLimit is < Validation.MinKeyLimit or > Validation.MaxKeyLimit)
        {
            failures.Add($"Authority:DefaultKeyLimit is {options.DefaultKeyLimit} but must be between {Validation.MinKeyLimit} and {Validation.MaxKeyLimit}.");
        }

        if (options.LastUseReportPeriod <= TimeSpan.Zero)
        {
            failures.Add($"Authority:LastUseReportPeriod is {options.LastUseReportPeriod} but must be positive.");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
