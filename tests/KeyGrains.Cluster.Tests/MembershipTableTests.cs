using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Membership;
using Orleans.Runtime.MembershipService;

namespace KeyGrains.Cluster.Tests;

/// <summary>Each membership query in deploy/sql/postgres, through Orleans' own ADO.NET clustering table.</summary>
public sealed class MembershipTableTests
{
    private static async Task<(AdoNetClusteringTable Table, string ClusterId, string ConnectionString)> NewTableAsync()
    {
        var connectionString = await Postgres.ConnectionStringAsync();
        var clusterId = "membership-test-" + Guid.NewGuid().ToString("N");
        var table = new AdoNetClusteringTable(
            new ServiceCollection().BuildServiceProvider(),
            Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = clusterId }),
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = "Npgsql", ConnectionString = connectionString }),
            NullLogger<AdoNetClusteringTable>.Instance);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        return (table, clusterId, connectionString);
    }

    private static MembershipEntry Entry(int port, SiloStatus status, DateTime? at = null)
    {
        var time = at ?? DateTime.UtcNow;
        return new MembershipEntry
        {
            SiloAddress = SiloAddress.New(IPAddress.Loopback, port, 17),
            Status = status,
            ProxyPort = port + 1000,
            HostName = "host",
            SiloName = "silo-" + port,
            StartTime = time,
            IAmAliveTime = time,
        };
    }

    [Fact]
    public async Task NewTable_HasVersionZeroAndNoSilos_AndInitIsRepeatable()
    {
        var (table, _, _) = await NewTableAsync();
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);

        var data = await table.ReadAllAsync();

        Assert.Empty(data.Members);
        Assert.Equal(0, data.Version.Version);
    }

    [Fact]
    public async Task InsertRow_BumpsVersion_AndStaleOrDuplicateInsertFails()
    {
        var (table, _, _) = await NewTableAsync();
        var version = (await table.ReadAllAsync()).Version;
        var entry = Entry(11001, SiloStatus.Joining);

        Assert.True(await table.InsertRowAsync(entry, version.Next()));
        Assert.False(await table.InsertRowAsync(Entry(11002, SiloStatus.Joining), version.Next()));

        var data = await table.ReadAllAsync();
        Assert.Equal(1, data.Version.Version);
        Assert.False(await table.InsertRowAsync(entry, data.Version.Next()));
        Assert.Equal(1, (await table.ReadAllAsync()).Version.Version);

        var row = Assert.Single((await table.ReadRowAsync(entry.SiloAddress)).Members).Item1;
        Assert.Equal(entry.SiloAddress, row.SiloAddress);
        Assert.Equal("silo-11001", row.SiloName);
        Assert.Equal(12001, row.ProxyPort);
        Assert.Equal(SiloStatus.Joining, row.Status);
        Assert.Equal(entry.StartTime, row.StartTime, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task UpdateRow_NeedsCurrentVersion_AndKeepsSuspicions()
    {
        var (table, _, _) = await NewTableAsync();
        var entry = Entry(11011, SiloStatus.Joining);
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        var data = await table.ReadAllAsync();
        var (row, etag) = data.Members[0];
        var voter = SiloAddress.New(IPAddress.Loopback, 11099, 3);
        row.Status = SiloStatus.Active;
        row.AddOrUpdateSuspector(voter, DateTime.UtcNow, maxVotes: 2);

        Assert.True(await table.UpdateRowAsync(row, etag, data.Version.Next()));
        Assert.False(await table.UpdateRowAsync(row, etag, data.Version.Next()));

        var updated = Assert.Single((await table.ReadAllAsync()).Members).Item1;
        Assert.Equal(SiloStatus.Active, updated.Status);
        Assert.Equal(voter, Assert.Single(updated.SuspectTimes!).Item1);
        Assert.Equal(2, (await table.ReadAllAsync()).Version.Version);
    }

    [Fact]
    public async Task UpdateIAmAlive_ChangesTimeButNotVersion()
    {
        var (table, _, _) = await NewTableAsync();
        var entry = Entry(11021, SiloStatus.Active, DateTime.UtcNow.AddMinutes(-5));
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        var now = DateTime.UtcNow;
        entry.IAmAliveTime = now;

        await table.UpdateIAmAliveAsync(entry);

        var data = await table.ReadAllAsync();
        Assert.Equal(now, Assert.Single(data.Members).Item1.IAmAliveTime, TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, data.Version.Version);
    }

    [Fact]
    public async Task Gateways_ListsActiveSilosProxyPortsOnly()
    {
        var (table, clusterId, connectionString) = await NewTableAsync();
        Assert.True(await table.InsertRowAsync(Entry(11031, SiloStatus.Active), (await table.ReadAllAsync()).Version.Next()));
        Assert.True(await table.InsertRowAsync(Entry(11032, SiloStatus.Dead), (await table.ReadAllAsync()).Version.Next()));
        var gateways = new AdoNetGatewayListProvider(
            NullLogger<AdoNetGatewayListProvider>.Instance,
            new ServiceCollection().BuildServiceProvider(),
            Options.Create(new AdoNetClusteringClientOptions { Invariant = "Npgsql", ConnectionString = connectionString }),
            Options.Create(new GatewayOptions()),
            Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = clusterId }));
        await gateways.InitializeGatewayListProviderAsync();

        var uri = Assert.Single(await gateways.GetGatewaysAsync());

        Assert.Equal(12031, uri.Port);
    }

    [Fact]
    public async Task CleanupDefunct_RemovesOnlyOldDeadSilos()
    {
        var (table, _, _) = await NewTableAsync();
        var old = DateTime.UtcNow.AddHours(-3);
        Assert.True(await table.InsertRowAsync(Entry(11041, SiloStatus.Dead, old), (await table.ReadAllAsync()).Version.Next()));
        Assert.True(await table.InsertRowAsync(Entry(11042, SiloStatus.Active, old), (await table.ReadAllAsync()).Version.Next()));
        Assert.True(await table.InsertRowAsync(Entry(11043, SiloStatus.Dead), (await table.ReadAllAsync()).Version.Next()));

        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddHours(-1));

        var ports = (await table.ReadAllAsync()).Members.Select(m => m.Item1.SiloAddress.Endpoint.Port).Order();
        Assert.Equal([11042, 11043], ports);
    }

    [Fact]
    public async Task DeleteMembershipTableEntries_RemovesTheClusterOnly()
    {
        var (table, clusterId, _) = await NewTableAsync();
        var (other, otherId, _) = await NewTableAsync();
        Assert.True(await table.InsertRowAsync(Entry(11051, SiloStatus.Active), (await table.ReadAllAsync()).Version.Next()));
        Assert.True(await other.InsertRowAsync(Entry(11051, SiloStatus.Active), (await other.ReadAllAsync()).Version.Next()));

        await table.DeleteMembershipTableEntriesAsync(clusterId);

        Assert.Equal(0, await Postgres.CountAsync("SELECT count(*) FROM orleans_membership WHERE deployment_id = @d", ("d", clusterId)));
        Assert.Equal(1, await Postgres.CountAsync("SELECT count(*) FROM orleans_membership WHERE deployment_id = @d", ("d", otherId)));
    }
}
