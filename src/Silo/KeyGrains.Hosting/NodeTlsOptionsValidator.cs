using Microsoft.Extensions.Options;

namespace KeyGrains.Hosting;

/// <summary>
/// Checks <c>Orleans:Tls</c> on its own: all three files or none, each present, and not both named
/// and switched off. Whether a node may run without TLS depends on its clustering, which
/// <see cref="KeyGrainsSiloOptionsValidator"/> decides.
/// </summary>
public sealed class NodeTlsOptionsValidator : IValidateOptions<NodeTlsOptions>
{
    public ValidateOptionsResult Validate(string? name, NodeTlsOptions options)
    {
        if (!options.Configured())
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (options.Disabled)
        {
            // Named files and Disabled=true disagree; guessing which one the operator meant could leave a cluster open.
            failures.Add("Orleans:Tls:Disabled is true but Orleans:Tls:* names certificate files: remove one or the other.");
        }

        File(failures, "Orleans:Tls:CertificatePath", options.CertificatePath);
        File(failures, "Orleans:Tls:KeyPath", options.KeyPath);
        File(failures, "Orleans:Tls:CaPath", options.CaPath);
        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }

    private static void File(List<string> failures, string setting, string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            failures.Add($"{setting} is empty but is required when any Orleans:Tls file is set.");
        }
        else if (!System.IO.File.Exists(path))
        {
            failures.Add($"{setting} is '{path}' but no file is there (looked in {Path.GetFullPath(path)}).");
        }
    }
}
