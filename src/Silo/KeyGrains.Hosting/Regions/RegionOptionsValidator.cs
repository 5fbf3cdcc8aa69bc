using Microsoft.Extensions.Options;

namespace KeyGrains.Hosting.Regions;

/// <summary>A replica must know where its primary's web API is, and a staleness bound must be positive.</summary>
public sealed class RegionOptionsValidator : IValidateOptions<RegionOptions>
{
    public ValidateOptionsResult Validate(string? name, RegionOptions options)
    {
        var failures = new List<string>();
        if (!RegionNames.IsValid(options.Name))
        {
            failures.Add($"Regions:Name is '{options.Name}' but must be 1 to 32 lowercase letters, digits or '-'.");
        }

        if (!string.IsNullOrEmpty(options.Primary) && !RegionNames.IsValid(options.Primary))
        {
            failures.Add($"Regions:Primary is '{options.Primary}' but must be 1 to 32 lowercase letters, digits or '-'.");
        }

        if (options.IsReplica && options.PrimaryUrl is not { IsAbsoluteUri: true, Scheme: "http" or "https" })
        {
            failures.Add($"Regions:PrimaryUrl is '{options.PrimaryUrl}' but a replica region (Regions:Primary '{options.Primary}') needs the primary's web API as an absolute http(s) URL.");
        }

        if (options.MaxStaleness <= TimeSpan.Zero)
        {
            failures.Add($"Regions:MaxStaleness is {options.MaxStaleness} but must be positive.");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}

/// <summary>One rule for a region's name, which also names its subscription and appears in headers.</summary>
public static class RegionNames
{
    public static bool IsValid(string? name) =>
        name is { Length: > 0 and <= 32 } && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');
}
