namespace KeyGrains.WebApi.Verification;

/// <summary><c>Verification</c> settings of the web API.</summary>
public sealed class VerificationOptions
{
    public const string SectionName = "Verification";

    /// <summary>
    /// How long one verification may keep retrying infrastructure failures before it answers 503.
    /// Covers a silo's death being noticed and its keys re-activated elsewhere (1.5-3 s measured
    /// with the cluster tuning, more for a host that vanishes without a connection reset), with
    /// room for a loaded machine; a 0 budget means one attempt.
    /// </summary>
    public TimeSpan RetryBudget { get; set; } = TimeSpan.FromSeconds(10);
}

public sealed class VerificationOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<VerificationOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, VerificationOptions options) =>
        options.RetryBudget < TimeSpan.Zero || options.RetryBudget > TimeSpan.FromMinutes(1)
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Fail(
                $"Verification:RetryBudget is {options.RetryBudget} but must be between 00:00:00 and 00:01:00.")
            : Microsoft.Extensions.Options.ValidateOptionsResult.Success;
}
