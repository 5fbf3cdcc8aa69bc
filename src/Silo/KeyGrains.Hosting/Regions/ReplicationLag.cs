using System.Diagnostics;
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
/// in the primary, every replica that subscribed to it (its replication slot), streaming or not.
/// Publishes <c>keygrains_replication_lag_seconds</c>.
/// </summary>
public sealed class ReplicationLag : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(200);

    private readonly string _connectionString;
    private readonly RegionOptions _region;
    private readonly ILogger<ReplicationLag> _logger;
    private readonly Meter _meter = new(Telemetry.MeterName);
    private volatile Snapshot _now = new(null, false, []);

    // In the primary: each slot's region name and URL as its subscription last gave them (only a
    // connected subscriber names itself), and when it was last seen streaming. Read by one loop.
    private readonly Dictionary<string, (string Name, string? Url, long LastStreaming)> _seen = [];

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

    /// <summary>
    /// In the primary: every replica with a replication slot here, streaming or not (a partitioned one
    /// is listed as not connected, its lag counted from when it last streamed).
    /// </summary>
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
        // Every slot a replica's subscription made (deploy/regions.sh names it kg_region_<name>), with
        // its walsender when it streams; the subscription names itself in application_name as
        // "kg-region <name> <url>".
        await using var read = new NpgsqlCommand(
            "SELECT s.slot_name, r.application_name, coalesce(r.state IN ('catchup', 'streaming'), false), " +
            "extract(epoch FROM coalesce(r.replay_lag, interval '0'))::float8 " +
            "FROM pg_replication_slots s LEFT JOIN pg_stat_replication r ON r.pid = s.active_pid " +
            "WHERE s.slot_name LIKE 'kg\\_region\\_%' ORDER BY 1", connection);
        var subscribers = new List<Subscriber>();
        var now = Stopwatch.GetTimestamp();
        await using var rows = await read.ExecuteReaderAsync(stop);
        while (await rows.ReadAsync(stop))
        {
            var slot = rows.GetString(0);
            var streaming = rows.GetBoolean(2);
            if (!rows.IsDBNull(1) && rows.GetString(1).Split(' ') is { Length: >= 2 } parts && parts[0] == "kg-region")
            {
                _seen[slot] = (parts[1], parts.Length > 2 ? parts[2] : null, streaming ? now : _seen.GetValueOrDefault(slot).LastStreaming);
            }
            else if (!_seen.ContainsKey(slot))
            {
                // Never seen streaming by this process: the slot's own name is all there is.
                _seen[slot] = (slot["kg_region_".Length..], null, 0);
            }

            var (name, url, last) = _seen[slot];
            var lag = streaming ? TimeSpan.FromSeconds(rows.GetDouble(3))
                : last == 0 ? (TimeSpan?)null : Stopwatch.GetElapsedTime(last, now);
            subscribers.Add(new Subscriber(name, url, streaming, lag));
        }

        return new Snapshot(TimeSpan.Zero, true, subscribers);
    }

    private sealed record Snapshot(TimeSpan? Lag, bool Connected, IReadOnlyList<Subscriber> Subscribers);

    /// <summary>A replica as the primary sees it; <paramref name="Lag"/> is null when it was never seen streaming.</summary>
    public sealed record Subscriber(string Name, string? Url, bool Connected, TimeSpan? Lag);
}
