using KeyGrains.WebApi.Security;
using Microsoft.Extensions.Options;

namespace KeyGrains.WebApi.Auth;

/// <summary>Hands the <see cref="RefusalLog"/> to the organizations once a period, and once more at shutdown.</summary>
public sealed class RefusalLogFlusher(RefusalLog log, IGrainFactory grains, IOptions<SecurityOptions> options, ILogger<RefusalLogFlusher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RefusalAudit.Period);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync();
    }

    private async Task FlushAsync()
    {
        var dropped = log.Dropped;
        var byOrg = log.TakeAll();
        if (dropped > 0)
        {
            logger.LogWarning("{Count} refused calls were not audited: the refusal log was full", dropped);
        }

        foreach (var (orgId, refusals) in byOrg)
        {
            try
            {
                await grains.GetGrain<IOrganizationGrain>(orgId).RecordRefusals([.. refusals]);
            }
            catch (Exception e) when (InfrastructureFailure.Is(e))
            {
                // The refusals themselves were answered; losing their audit entry is the lesser harm.
                logger.LogWarning("Could not record refused calls of one organization: {ExceptionType}", e.GetType().Name);
            }
        }
    }
}
