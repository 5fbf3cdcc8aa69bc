using System.Globalization;

namespace KeyGrains.Organizations;

public sealed partial class OrganizationGrain
{
    public async Task RecordRefusals(RefusalSummary[] refusals)
    {
        // Nothing is written for an organization that does not exist; the web API asks in the
        // background either way, so a refusal costs its caller the same whether or not it does.
        if (!State.Exists || refusals.Length == 0)
        {
            return;
        }

        foreach (var refusal in refusals)
        {
            var target = refusal.Target.Length <= RefusalSummary.MaxTargetLength
                ? refusal.Target
                : refusal.Target[..RefusalSummary.MaxTargetLength];
            RecordAudit(AuditActions.AuthRefused, new Caller(refusal.Actor, refusal.SourceIp), target, new()
            {
                ["reason"] = refusal.Reason,
                ["count"] = refusal.Count.ToString(CultureInfo.InvariantCulture),
                ["firstAt"] = refusal.FirstAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                ["lastAt"] = refusal.LastAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            });
        }

        await CommitAsync();
        await FlushAuditAsync();
    }
}
