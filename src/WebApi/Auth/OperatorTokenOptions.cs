namespace KeyGrains.WebApi.Auth;

/// <summary>The operator credential's settings, in the <c>Authority</c> section.</summary>
public sealed class OperatorTokenOptions
{
    public const string Section = "Authority";

    /// <summary>A configured operator token is at least this long, so it cannot be guessed.</summary>
    public const int MinLength = 32;

    /// <summary>
    /// The operator token. Configured, it replaces whatever hash is stored at start (that is how a
    /// token is rotated); absent, the stored hash stands, or a token is generated on first start.
    /// </summary>
    public string? OperatorToken { get; set; }

    /// <summary>Generate a new token at this start, replacing the stored one, and print it once.</summary>
    public bool RegenerateOperatorToken { get; set; }

    /// <summary>The configured token without surrounding white space (a presented one is trimmed too).</summary>
    public string? Token => string.IsNullOrWhiteSpace(OperatorToken) ? null : OperatorToken.Trim();
}

public sealed class OperatorTokenOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<OperatorTokenOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, OperatorTokenOptions options) =>
        options.Token is { Length: < OperatorTokenOptions.MinLength } token
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Fail(
                $"Authority:OperatorToken is {token.Length} characters long but must be at least {OperatorTokenOptions.MinLength} (white space around it does not count).")
            : Microsoft.Extensions.Options.ValidateOptionsResult.Success;
}
