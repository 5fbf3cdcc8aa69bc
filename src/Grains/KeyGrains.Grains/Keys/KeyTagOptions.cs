using Microsoft.Extensions.Options;

namespace KeyGrains.Keys;

/// <summary>The <c>Authority</c> settings of key tags (<see cref="KeyTagger"/>).</summary>
public sealed class KeyTagOptions
{
    public const string Section = "Authority";

    /// <summary>
    /// How many tag secrets exist. Raising it adds a new secret that tags new keys from then on;
    /// keys tagged with an older one keep working. Secrets are generated and stored by the cluster.
    /// </summary>
    public int KeyTagSecrets { get; set; } = 1;

    /// <summary>
    /// Accept keys issued before key tags existed (their checksum is a public CRC-32, so a forged
    /// one costs a lookup). Off by default; on only while such keys are still in use.
    /// </summary>
    public bool AcceptLegacyKeys { get; set; }
}

public sealed class KeyTagOptionsValidator : IValidateOptions<KeyTagOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyTagOptions options) =>
        options.KeyTagSecrets is < 1 or > 100
            ? ValidateOptionsResult.Fail($"Authority:KeyTagSecrets is {options.KeyTagSecrets} but must be between 1 and 100.")
            : ValidateOptionsResult.Success;
}
