using KeyGrains.WebApi.Apis;
using KeyGrains.WebApi.Verification;

namespace KeyGrains.Security.Tests;

/// <summary>A type that holds a secret never prints it: a log line of the object must not leak it.</summary>
public sealed class SecretPrintingTests
{
    private static readonly string Secret = KeyTagger.Legacy.NewKey(ApiKeyFormat.NewId());

    public static TheoryData<string, object> Holders() => new()
    {
        { "NewKey", new NewKey(Info(), Secret, DateTimeOffset.UnixEpoch) },
        { "VerifyRequest", new VerifyRequest(Secret, System.Net.IPAddress.Loopback, ["a:read"]) },
        { "NewKeyResponse", NewKeyResponse.From(new NewKey(Info(), Secret)) },
        { "VerifyBody", new VerifyApi.VerifyBody(Secret, "203.0.113.7", null) },
    };

    [Theory]
    [MemberData(nameof(Holders))]
    public void ToString_ShowsNoSecret(string type, object holder)
    {
        var printed = holder.ToString()!;
        Assert.DoesNotContain(Secret, printed, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret[^20..], printed, StringComparison.Ordinal);
        Assert.Contains(Redacted.Text, printed, StringComparison.Ordinal);
        Assert.StartsWith(type, printed, StringComparison.Ordinal);
    }

    private static KeyInfo Info() => new(
        "abcdefghijklmnop", "acme", "ci", null, ["viewer"], KeyStatus.Active, Secret[^4..],
        DateTimeOffset.UnixEpoch, "operator", null, null, null, []);
}
