using Microsoft.Extensions.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace KeyGrains.Hosting.Regions;

/// <summary>
/// The primary region stamps its clock into <c>kg_region_heartbeat</c> every <see cref="Period"/>;
/// the row is replicated, so a replica's lag is its clock minus the newest stamp it holds (at most
/// one period more than the true lag). Without the table (a deployment without regions) it waits.
/// </summary>
public sealed class Heartbeat(IOptions<KeyGrainsSiloOptions> node, IOptions<RegionOptions> region, ILogger<Heartbeat> logger) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var source = NpgsqlDataSource.Create(node.Value.ConnectionStrings.Postgres!);
                await using var stamp = source.CreateCommand(
                    "INSERT INTO kg_region_heartbeat (id, region, at) VALUES (1, $1, clock_timestamp()) " +
                    "ON CONFLICT (id) DO UPDATE SET region = EXCLUDED.region, at = EXCLUDED.at");
                stamp.Parameters.Add(new NpgsqlParameter { Value = region.Value.Name });
                while (await timer.WaitForNextTickAsync(stoppingToken))
                {
                    await stamp.ExecuteNonQueryAsync(stoppingToken);
                }
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("The region heartbeat failed ({Error}); trying again in a second", e.GetType().Name);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }
}
