using KeyGrains.Replicas;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KeyGrains.Keys;

/// <summary>
/// Once a period (a minute by default), tells organizations when their keys last verified on this
/// node, through the <see cref="ILastUseSink"/>. Verification itself never writes or calls out.
/// </summary>
internal sealed class LastUseReporter(NodeReplicas replicas, ILastUseSink sink, IOptions<AuthorityOptions> options, ILogger<LastUseReporter> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.LastUseReportPeriod);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Report();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            // What this node saw last is reported as it stops, not lost with it.
            Report();
        }
    }

    private void Report()
    {
        try
        {
            var byOrg = new Dictionary<string, Dictionary<string, DateTimeOffset>>(StringComparer.Ordinal);
            foreach (var (keyId, replica) in replicas.Replicas)
            {
                if (replica.OrgId is { } orgId && replica.TryTakeUnreportedUse(out var at))
                {
                    if (!byOrg.TryGetValue(orgId, out var uses))
                    {
                        byOrg[orgId] = uses = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
                    }

                    uses[keyId] = at;
                }
            }

            if (byOrg.Count > 0)
            {
                sink.Report(byOrg);
            }
        }
        catch (Exception ex)
        {
            // Last use is informational and may lag; nothing else depends on it.
            logger.LogWarning(ex, "Reporting last use of keys failed");
        }
    }
}
