using System.Diagnostics;
using KeyGrains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Connections.Security;
using Orleans.Runtime.Messaging;
using Xunit.Abstractions;

namespace KeyGrains.Cluster.Tests.Processes;

/// <summary>A <c>src/Silo</c> process on PostgreSQL with mutual TLS from its own throwaway CA.</summary>
public sealed class TlsSiloFixture : IAsyncLifetime
{
    public LocalCluster Cluster { get; private set; } = null!;

    /// <summary>A CA the silo has never heard of, issuing certificates as well formed as the real ones.</summary>
    public TestCa Stranger { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = await LocalCluster.CreateAsync();
        Stranger = TestCa.Create(Path.Combine(Cluster.WorkDir, "stranger"), "Stranger CA");
        await Cluster.StartSilosAsync(1);
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllAsync();
        await Cluster.DisposeAsync();
        Cluster.RemoveLogs();
    }

    /// <summary>The silo's port, or its gateway's, as the membership table publishes it.</summary>
    public async Task<int> PortAsync(string column) => (int)await Postgres.CountAsync(
        $"SELECT max({column}) FROM orleans_membership WHERE deployment_id = @d AND status = 3", ("d", Cluster.Id));
}

/// <summary>Who may talk to a silo: only a holder of a certificate from the cluster's CA.</summary>
[Collection(ProcessCollection.Name)]
public sealed class TlsTests(TlsSiloFixture fixture, ITestOutputHelper output) : IClassFixture<TlsSiloFixture>
{
    [Fact]
    public async Task Client_WithCertificateFromTheClusterCa_CallsAGrain()
    {
        var tls = fixture.Cluster.Ca.Issue("client");

        Assert.Null(await CallAGrainAsync(client => client.UseKeyGrainsTls(tls)));
    }

    [Fact]
    public async Task Client_WithoutTls_CannotCallAGrain()
    {
        Assert.IsType<ConnectionFailedException>(await CallAGrainAsync(_ => { }));
    }

    [Fact]
    public async Task Client_WithTlsButNoCertificate_CannotCallAGrain()
    {
        Assert.IsType<ConnectionFailedException>(await CallAGrainAsync(client => client.UseTls(o =>
        {
            o.ClientCertificateMode = RemoteCertificateMode.NoCertificate;
            o.AllowAnyRemoteCertificate();
        })));
    }

    [Fact]
    public async Task Client_WithCertificateFromAnotherCa_CannotCallAGrain()
    {
        var tls = fixture.Stranger.Issue("stranger-client");

        Assert.IsType<ConnectionFailedException>(await CallAGrainAsync(client => client.UseKeyGrainsTls(tls)));
    }

    [Fact]
    public async Task ClientModeWebApi_WithCertificateFromAnotherCa_NeverJoinsAndExits()
    {
        var environment = fixture.Stranger.Issue("stranger-webapi").Environment();
        environment["Orleans__ConnectAttempts"] = "2";
        await using var webApi = fixture.Cluster.StartStrangerWebApi("stranger-webapi", environment);

        var code = await webApi.WaitForExitAsync(TimeSpan.FromSeconds(90));

        Assert.True(code == 1, $"exit code {code}:\n{webApi.Tail()}");
        Assert.Contains("could not connect to an Orleans cluster", webApi.Tail());
    }

    [Theory]
    [InlineData("port")]
    [InlineData("proxy_port")]
    public async Task OpensslWithoutClientCertificate_IsCutOffRightAfterTheHandshake(string column)
    {
        var port = await fixture.PortAsync(column);
        var client = fixture.Cluster.Ca.Issue("openssl");

        var refused = await OpensslAsync(port, "-CAfile", fixture.Cluster.Ca.CaPath);
        var accepted = await OpensslAsync(port, "-CAfile", fixture.Cluster.Ca.CaPath, "-cert", client.CertificatePath!, "-key", client.KeyPath!);
        output.WriteLine($"without a certificate:\n{refused.Text}\nwith one:\n{accepted.Text}");

        Assert.True(refused.ClosedByServer, "the silo kept a connection without a client certificate open");
        Assert.Contains("unexpected eof", refused.Text);
        Assert.False(accepted.ClosedByServer, "the silo closed a connection with a certificate from its CA");
        Assert.Contains("Verify return code: 0 (ok)", accepted.Text);
    }

    /// <summary>null when a client with this TLS set-up connected and a grain answered; else what stopped it.</summary>
    private async Task<Exception?> CallAGrainAsync(Action<IClientBuilder> tls)
    {
        var cluster = fixture.Cluster;
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.Id, cluster.Id));
            client.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = ("Npgsql", cluster.ConnectionString));
            // One attempt: a refused client fails at once instead of retrying until the test's patience ends.
            client.UseConnectionRetryFilter((_, _) => Task.FromResult(false));
            tls(client);
        });
        using var host = builder.Build();
        try
        {
            await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(40));
            await host.Services.GetRequiredService<IClusterClient>().GetGrain<IStorageProbeGrain>(0).Probe().WaitAsync(TimeSpan.FromSeconds(20));
            return null;
        }
        catch (Exception e)
        {
            output.WriteLine($"refused: {e.GetType().Name}: {e.Message}");
            return e;
        }
    }

    /// <summary>
    /// <c>openssl s_client</c> that says nothing and waits. Under TLS 1.3 the client finishes its
    /// half of the handshake before the server has judged the client's certificate, so s_client
    /// prints a session either way; a refusal shows as the server closing the connection at once
    /// (s_client ends by itself on "unexpected eof"), an acceptance as a connection left open for
    /// the client to speak.
    /// </summary>
    private static async Task<(bool ClosedByServer, string Text)> OpensslAsync(int port, params string[] args)
    {
        var start = new ProcessStartInfo("openssl", ["s_client", "-connect", $"127.0.0.1:{port}", .. args])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await Task.WhenAny(process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(5)));
        var closedByServer = process.HasExited;
        process.StandardInput.Close();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        return (closedByServer, await stdout + await stderr);
    }
}
