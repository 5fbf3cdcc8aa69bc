using Microsoft.Extensions.Options;
using System.Diagnostics.Metrics;
using KeyGrains.Hosting.Observability;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace KeyGrains.Hosting.Regions;

/// <summary>
/// What this region knows of replication, read from its own database every 200 ms: in a replica,
/// how old its copy is (the primary's newest heartbeat stamp) and whether its subscription streams;
/// in the primary, the subscribers streaming from it. Publishes <c>keygrains_replication_lag_seconds</c>.
/// </summary>
public sealed class ReplicationLag : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(200);

    private readonly string _connectionString;
    private readonly RegionOptions _region;
    private readonly ILogger<ReplicationLag> _logger;
    private readonly Meter _meter = new(Telemetry.MeterName);
    private volatile Snapshot _now = new(null, false, []);

    public ReplicationLag(IOptions<KeyGrainsSiloOptions> node, IOptions<RegionOptions> region, ILogger<ReplicationLag> logger)
    {
        _connectionString = node.Value.ConnectionStrings.Postgres ?? "";
        _region = region.Value;
        _logger = logger;
        if (_region.IsReplica)
        {
            _meter.CreateObservableGauge("keygrains.replication.lag", () => Lag?.TotalSeconds ?? double.PositiveInfinity, "s",
                "How old this replica region's copy of the primary's data is.");
        }
    }

    /// <summary>A replica's lag; null before its first heartbeat arrived (then it is as stale as can be).</summary>
    public TimeSpan? Lag => _now.Lag;

    public bool Connected => _now.Connected;

    /// <summary>In the primary: the replicas streaming from it, as their subscriptions name themselves.</summary>
    public IReadOnlyList<Subscriber> Subscribers => _now.Subscribers;

    /// <summary>Past <see cref="RegionOptions.MaxStaleness"/>, or never heard from the primary.</summary>
    public bool Stale => _region.IsReplica && !(Lag <= _region.MaxStaleness);

    public override void Dispose()
    {
        _meter.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        do
        {
            try
            {
                _now = _region.IsReplica ? await ReadReplicaAsync(stoppingToken) : await ReadPrimaryAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // The copy's age is still known from the last stamp read; connected is not.
                _now = _now with { Connected = false };
                _logger.LogDebug("Reading replication state failed: {Error}", e.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<Snapshot> ReadReplicaAsync(CancellationToken stop)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(stop);
        await using var read = new NpgsqlCommand(
            "SELECT (SELECT extract(epoch FROM clock_timestamp() - at)::float8 FROM kg_region_heartbeat WHERE id = 1), " +
            "EXISTS (SELECT 1 FROM pg_stat_subscription WHERE pid IS NOT NULL AND relid IS NULL)", connection);
        await using var row = await read.ExecuteReaderAsync(stop);
        await row.ReadAsync(stop);
        TimeSpan? lag = row.IsDBNull(0) ? null : TimeSpan.FromSeconds(Math.Max(0, row.GetDouble(0)));
        return new Snapshot(lag, row.GetBoolean(1), []);
    }

    private async Task<Snapshot> ReadPrimaryAsync(CancellationToken stop)
    {
        if (_connectionString.Length == 0)
        {
            return new Snapshot(TimeSpan.Zero, true, []);
        }

        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(stop);
        // A replica's subscription names itself in application_name as "<region> <url>" (deploy/regions.sh).
        await using var read = new NpgsqlCommand(
            "SELECT application_name, state IN ('catchup', 'streaming'), extract(epoch FROM coalesce(replay_lag, interval '0'))::float8 " +
            "FROM pg_stat_replication WHERE application_name LIKE 'kg-region %' ORDER BY 1", connection);
        var subscribers = new List<Subscriber>();
        await using var rows = await read.ExecuteReaderAsync(stop);
        while (await rows.ReadAsync(stop))
        {
            var parts = rows.GetString(0).Split(' ');
            subscribers.Add(new Subscriber(parts[1], parts.Length > 2 ? parts[2] : null, rows.GetBoolean(1), TimeSpan.FromSeconds(rows.GetDouble(2))));
        }

        return new Snapshot(TimeSpan.Zero, true, subscribers);
    }

    private sealed record Snapshot(TimeSpan? Lag, bool Connected, IReadOnlyList<Subscriber> Subscribers);

    public sealed record Subscriber(string Name, string? Url, bool Connected, TimeSpan Lag);
}
