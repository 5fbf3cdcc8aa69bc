using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KeyGrains.Keys;

/// <summary>
/// Once a period (a minute by default), tells each organization when its keys in this silo last
/// verified, in one one-way call per organization. Verification itself never writes or calls out.
/// </summary>
internal sealed class LastUseReporter(ActiveKeys keys, IGrainFactory grains, IOptions<AuthorityOptions> options, ILogger<LastUseReporter> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.LastUseReportPeriod);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                Report();
            }
            catch (Exception ex)
            {
                // Last use is informational; what was taken is reported again at deactivation at the latest.
                logger.LogWarning(ex, "Reporting last use of keys failed");
            }
        }
    }

    private void Report()
    {
        var byOrg = new Dictionary<string, Dictionary<string, DateTimeOffset>>(StringComparer.Ordinal);
        foreach (var (keyId, entry) in keys.Entries)
        {
            if (entry.Usage.TryTakeUnreported(out var at))
            {
                var orgId = entry.Model.Record.OrgId;
                if (!byOrg.TryGetValue(orgId, out var uses))
                {
                    byOrg[orgId] = uses = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
                }

                uses[keyId] = at;
            }
        }

        foreach (var (orgId, uses) in byOrg)
        {
            grains.GetGrain<IOrganizationGrain>(orgId).ReportLastUsed(uses).Ignore();
        }
    }
}
