using KeyGrains.Hosting;
using Microsoft.Extensions.Configuration;

namespace KeyGrains.Tests.Storage;

public sealed class SiloSettingsTests
{
    private static KeyGrainsSiloSettings Read(params (string Key, string Value)[] values) =>
        KeyGrainsSiloSettings.From(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build());

    [Fact]
    public void From_EmptyConfiguration_GivesTheDocumentedDefaults()
    {
        var settings = Read();

        Assert.Equal(
            new KeyGrainsSiloSettings(StorageProvider.Sqlite, "data/keygrains.db", ClusteringProvider.Localhost, null,
                "keygrains", "keygrains", 11111, 30000),
            settings);
    }

    [Fact]
    public void From_ProvidersAndPorts_AreRead()
    {
        var settings = Read(("Storage:Provider", "postgres"), ("Clustering:Provider", "Postgres"),
            ("ConnectionStrings:Postgres", "Host=db"), ("Orleans:SiloPort", "12000"), ("Orleans:GatewayPort", "12001"));

        Assert.Equal((StorageProvider.Postgres, ClusteringProvider.Postgres, 12000, 12001),
            (settings.Storage, settings.Clustering, settings.SiloPort, settings.GatewayPort));
    }

    [Theory]
    [InlineData("Storage:Provider", "Postgres", "ConnectionStrings:Postgres")]
    [InlineData("Clustering:Provider", "Postgres", "ConnectionStrings:Postgres")]
    [InlineData("Storage:Provider", "Mongo", "Storage:Provider")]
    [InlineData("Storage:Provider", "1", "Storage:Provider")]
    [InlineData("Clustering:Provider", "Consul", "Clustering:Provider")]
    [InlineData("Orleans:SiloPort", "70000", "Orleans:SiloPort")]
    [InlineData("Orleans:GatewayPort", "http", "Orleans:GatewayPort")]
    public void From_InvalidSetting_FailsNamingTheSetting(string key, string value, string named)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read((key, value)));

        Assert.Contains(named, error.Message);
    }
}
