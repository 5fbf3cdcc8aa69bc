using KeyGrains.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KeyGrains.Tests.Storage;

public sealed class SiloSettingsTests
{
    private static KeyGrainsSiloOptions Read(params (string Key, string Value)[] values) =>
        Configuration(values).GetValidatedOptions<KeyGrainsSiloOptions, KeyGrainsSiloOptionsValidator>();

    private static IConfiguration Configuration(IEnumerable<(string Key, string Value)> values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();

    [Fact]
    public void From_EmptyConfiguration_GivesTheDocumentedDefaults()
    {
        var settings = Read();

        Assert.Equal(
            (StorageProvider.Sqlite, "data/keygrains.db", ClusteringProvider.Localhost, (string?)null,
                "keygrains", "keygrains", 11111, 30000, (string?)null),
            (settings.Storage.Provider, settings.Storage.SqlitePath, settings.Clustering.Provider, settings.ConnectionStrings.Postgres,
                settings.Orleans.ClusterId, settings.Orleans.ServiceId, settings.Orleans.SiloPort, settings.Orleans.GatewayPort,
                settings.Orleans.AdvertisedIPAddress));
    }

    [Fact]
    public void From_ProvidersAndPorts_AreRead()
    {
        var settings = Read(("Storage:Provider", "postgres"), ("Clustering:Provider", "Postgres"),
            ("ConnectionStrings:Postgres", "Host=db"), ("Orleans:SiloPort", "12000"), ("Orleans:GatewayPort", "12001"), ("Orleans:Tls:Disabled", "true"));

        Assert.Equal((StorageProvider.Postgres, ClusteringProvider.Postgres, 12000, 12001),
            (settings.Storage.Provider, settings.Clustering.Provider, settings.Orleans.SiloPort, settings.Orleans.GatewayPort));
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

    /// <summary>Each bad value stops a silo's start with a sentence naming the setting and the value.</summary>
    [Theory]
    [InlineData("Storage:Provider", "Mongo", "Storage:Provider")]
    [InlineData("Storage:Provider", "1", "Storage:Provider")]
    [InlineData("Clustering:Provider", "-1", "Clustering:Provider")]
    [InlineData("Clustering:Provider", "Localhost,Postgres", "Clustering:Provider")]
    [InlineData("Orleans:SiloPort", "-5", "Orleans:SiloPort")]
    [InlineData("Orleans:GatewayPort", "http", "Orleans:GatewayPort")]
    [InlineData("Orleans:GatewayPort", "11111", "Orleans:GatewayPort")]
    [InlineData("Clustering:Provider", "Postgres", "ConnectionStrings:Postgres")]
    [InlineData("Orleans:AdvertisedIPAddress", "10", "Orleans:AdvertisedIPAddress")]
    [InlineData("Orleans:AdvertisedIPAddress", "silo-1.internal", "Orleans:AdvertisedIPAddress")]
    [InlineData("Orleans:AdvertisedIPAddress", "010.0.0.1", "Orleans:AdvertisedIPAddress")]
    [InlineData("Orleans:AdvertisedIPAddress", "0x7f.0.0.1", "Orleans:AdvertisedIPAddress")]
    [InlineData("Orleans:ClusterId", " ", "Orleans:ClusterId")]
    [InlineData("Orleans:Tuning:ProbeTimeout", "00:00:00", "Orleans:Tuning:ProbeTimeout")]
    [InlineData("Orleans:Tuning:NumMissedProbesLimit", "0", "Orleans:Tuning:NumMissedProbesLimit")]
    [InlineData("Orleans:Tuning:ResponseTimeout", "soon", "Orleans:Tuning:ResponseTimeout")]
    [InlineData("Orleans:Tuning:KeyCollectionAge", "00:00:00.500", "Orleans:Tuning:KeyCollectionAge")]
    [InlineData("Authority:DefaultKeyLimit", "0", "Authority:DefaultKeyLimit")]
    public async Task Start_InvalidSetting_StopsNamingTheSettingAndValue(string key, string value, string named)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => StartSiloAsync((key, value)));

        Assert.Contains(named, error.Message);
        Assert.Contains(value.Trim(), error.Message);
    }

    [Fact]
    public void From_ProviderNames_IgnoreCase()
    {
        var settings = Read(("Storage:Provider", "MEMORY"), ("Clustering:Provider", "localhost"));

        Assert.Equal((StorageProvider.Memory, ClusteringProvider.Localhost), (settings.Storage.Provider, settings.Clustering.Provider));
    }

    [Theory]
    [InlineData("Localhost")]
    [InlineData("Postgres")]
    public void Build_WithTuning_GivesOrleansTheCollectionAgeAndResponseTimeout_WhateverTheClustering(string clustering)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Memory", ["Clustering:Provider"] = clustering, ["ConnectionStrings:Postgres"] = "Host=db", ["Orleans:Tls:Disabled"] = "true",
            ["Orleans:Tuning:CollectionAge"] = "00:00:30", ["Orleans:Tuning:ResponseTimeout"] = "00:00:07",
        });
        builder.UseOrleans(silo => silo.AddKeyGrains(builder.Configuration));
        using var host = builder.Build();

        Assert.Equal(TimeSpan.FromSeconds(30), host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Orleans.Configuration.GrainCollectionOptions>>().Value.CollectionAge);
        Assert.Equal(TimeSpan.FromSeconds(7), host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Orleans.Configuration.SiloMessagingOptions>>().Value.ResponseTimeout);
    }

    [Fact]
    public void Build_WithAKeyCollectionAge_ShortensKeyGrainsAlone_AndSweepsOftenEnoughForIt()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Memory", ["Orleans:Tls:Disabled"] = "true", ["Orleans:Tuning:KeyCollectionAge"] = "00:00:20",
        });
        builder.UseOrleans(silo => silo.AddKeyGrains(builder.Configuration));
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Orleans.Configuration.GrainCollectionOptions>>().Value;
        Assert.Equal(TimeSpan.FromMinutes(15), options.CollectionAge);
        Assert.Equal(TimeSpan.FromSeconds(20), Assert.Single(options.ClassSpecificCollectionAge, a => a.Key == "KeyGrains.Keys.ApiKeyGrain").Value);
        Assert.True(options.CollectionQuantum <= TimeSpan.FromSeconds(10), $"quantum {options.CollectionQuantum}");
    }

    /// <summary>Composes and starts a silo host as src/Silo does; only failures are expected, before anything listens.</summary>
    private static async Task StartSiloAsync(params (string Key, string Value)[] values)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        var settings = new Dictionary<string, string?> { ["Storage:Provider"] = "Memory" };
        foreach (var (key, value) in values)
        {
            settings[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.UseOrleans(silo => silo.AddKeyGrains(builder.Configuration).UseConfiguredAdvertisedAddress());
        using var host = builder.Build();
        await host.StartAsync();
        await host.StopAsync();
    }
}
