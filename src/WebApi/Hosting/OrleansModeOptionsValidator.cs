using Microsoft.Extensions.Options;

namespace KeyGrains.WebApi.Hosting;

public sealed class OrleansModeOptionsValidator : IValidateOptions<OrleansModeOptions>
{
    public ValidateOptionsResult Validate(string? name, OrleansModeOptions options) =>
        options.ConnectAttempts is < 1 or > 1000
            ? ValidateOptionsResult.Fail($"Orleans:ConnectAttempts is {options.ConnectAttempts} but must be between 1 and 1000.")
            : ValidateOptionsResult.Success;
}
