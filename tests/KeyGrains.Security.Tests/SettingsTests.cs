namespace KeyGrains.Security.Tests;

/// <summary>A mistyped security setting stops the start with a sentence naming it, before anything listens.</summary>
public sealed class SettingsTests
{
    [Theory]
    [InlineData("Security:TrustedProxies:0", "10.0.0.0/33", "Security:TrustedProxies")]
    [InlineData("Security:TrustedProxies:0", "proxy.internal", "Security:TrustedProxies")]
    [InlineData("Security:Throttling:ExemptNetworks:0", "*", "Security:Throttling:ExemptNetworks")]
    [InlineData("Security:TrustedProxies:0", "010.0.0.1", "Security:TrustedProxies")]
    [InlineData("Security:TrustedProxies:0", "10.1", "Security:TrustedProxies")]
    [InlineData("Security:Throttling:ExemptNetworks:0", "0x0a.0.0.0/8", "Security:Throttling:ExemptNetworks")]
    [InlineData("Security:TrustedProxies:0", "10.1.2.3/8", "Security:TrustedProxies: '10.1.2.3/8' has host bits set; did you mean 10.0.0.0/8?")]
    [InlineData("Security:Throttling:FailureLimit", "0", "Security:Throttling:FailureLimit")]
    [InlineData("Security:Throttling:WindowSeconds", "0", "Security:Throttling:WindowSeconds")]
    [InlineData("Security:Cors:AllowedOrigins:0", "*", "Security:Cors:AllowedOrigins")]
    [InlineData("Security:Cors:AllowedOrigins:0", "https://console.example.com/path", "Security:Cors:AllowedOrigins")]
    public async Task InvalidSetting_StopsTheStart_NamingIt(string setting, string value, string named)
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => ApiHost.StartAsync(new Dictionary<string, string?> { [setting] = value }));
        Assert.Contains(named, e.Message);
    }
}
