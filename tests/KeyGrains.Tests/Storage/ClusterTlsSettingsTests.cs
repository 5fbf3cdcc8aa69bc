using System.Security.Cryptography.X509Certificates;
using KeyGrains.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KeyGrains.Tests.Storage;

/// <summary><c>Orleans:Tls</c>: a cluster refuses to start open, and a wrong file is named at start.</summary>
public sealed class ClusterTlsSettingsTests : IDisposable
{
    private static readonly (string, string)[] PostgresCluster = [("Clustering:Provider", "Postgres"), ("ConnectionStrings:Postgres", "Host=db")];

    private readonly string _directory = Directory.CreateTempSubdirectory("keygrains-tls-settings-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void PostgresCluster_WithoutTls_FailsSayingWhyAndWhatToSet()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read(PostgresCluster));

        Assert.StartsWith("KeyGrains cannot start: a cluster on PostgreSQL", error.Message);
        Assert.Contains("Orleans:Tls:CertificatePath, Orleans:Tls:KeyPath and Orleans:Tls:CaPath", error.Message);
        Assert.Contains("Orleans:Tls:Disabled=true", error.Message);
    }

    [Fact]
    public void PostgresCluster_WithTlsDisabledOutLoud_Starts()
    {
        var settings = Read([.. PostgresCluster, ("Orleans:Tls:Disabled", "true")]);

        Assert.False(settings.Orleans.Tls.Enabled());
    }

    [Fact]
    public void PostgresCluster_WithTlsFiles_UsesThem()
    {
        var settings = Read([.. PostgresCluster, .. Files(TestCa.Create(_directory).Issue("node"))]);

        Assert.True(settings.Orleans.Tls.Enabled());
    }

    [Theory]
    [InlineData("Orleans:Tls:CertificatePath")]
    [InlineData("Orleans:Tls:KeyPath")]
    [InlineData("Orleans:Tls:CaPath")]
    public void MissingFile_FailsNamingTheSettingAndThePath(string setting)
    {
        var missing = Path.Combine(_directory, "nowhere", "missing.pem");
        var values = Files(TestCa.Create(_directory).Issue("node")).Select(v => v.Item1 == setting ? (setting, missing) : v);

        var error = Assert.Throws<InvalidOperationException>(() => Read([.. PostgresCluster, .. values]));

        Assert.Contains($"{setting} is '{missing}' but no file is there", error.Message);
    }

    [Fact]
    public void FilesAndDisabled_Together_Fail()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            Read([.. Files(TestCa.Create(_directory).Issue("node")), ("Orleans:Tls:Disabled", "true")]));

        Assert.Contains("Orleans:Tls:Disabled is true but Orleans:Tls:* names certificate files", error.Message);
    }

    [Fact]
    public async Task CertificateFromAnotherCa_StopsTheSiloAtStart()
    {
        var node = TestCa.Create(Path.Combine(_directory, "a"), "CA A").Issue("node");
        var other = TestCa.Create(Path.Combine(_directory, "b"), "CA B");
        node.CaPath = other.CaPath;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartSiloAsync(Files(node)));

        Assert.Contains("is not issued by a CA in Orleans:Tls:CaPath", error.Message);
    }

    [Fact]
    public async Task CaFileWithTwoCas_AcceptsCertificatesOfEither()
    {
        var old = TestCa.Create(Path.Combine(_directory, "old"), "Old CA");
        var next = TestCa.Create(Path.Combine(_directory, "new"), "New CA");
        var bundle = Path.Combine(_directory, "bundle.pem");
        await File.WriteAllTextAsync(bundle, await File.ReadAllTextAsync(old.CaPath) + await File.ReadAllTextAsync(next.CaPath));
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(bundle);

        foreach (var ca in new[] { old, next })
        {
            using var certificate = Certificate(ca.Issue("node"));
            Assert.True(ClusterTls.ChainsTo(certificate, authorities));
        }

        var stranger = TestCa.Create(Path.Combine(_directory, "stranger"), "Stranger CA").Issue("node");
        using var refused = Certificate(stranger);
        Assert.False(ClusterTls.ChainsTo(refused, authorities));
    }

    private static X509Certificate2 Certificate(NodeTlsOptions tls) => X509Certificate2.CreateFromPem(File.ReadAllText(tls.CertificatePath!));

    private static (string, string)[] Files(NodeTlsOptions tls) =>
        [("Orleans:Tls:CertificatePath", tls.CertificatePath!), ("Orleans:Tls:KeyPath", tls.KeyPath!), ("Orleans:Tls:CaPath", tls.CaPath!)];

    private static KeyGrainsSiloOptions Read(IEnumerable<(string Key, string Value)> values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build()
            .GetValidatedOptions<KeyGrainsSiloOptions, KeyGrainsSiloOptionsValidator>();

    private static async Task StartSiloAsync(IEnumerable<(string Key, string Value)> values)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(
            values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)).Append(new("Storage:Provider", "Memory")));
        builder.UseOrleans(silo => silo.AddKeyGrains(builder.Configuration));
        using var host = builder.Build();
        await host.StartAsync();
        await host.StopAsync();
    }
}
