namespace KeyGrains.Keys;

/// <summary>
/// Where a node sends when its keys last verified, per organization (org id, then key id to time).
/// By default each organization's grain; a replica region, whose organizations are read-only,
/// sends it to the primary region instead.
/// </summary>
public interface ILastUseSink
{
    void Report(Dictionary<string, Dictionary<string, DateTimeOffset>> byOrg);
}

/// <summary>One one-way call per organization: the organization saves it at most once a period.</summary>
public sealed class OrganizationLastUse(IGrainFactory grains) : ILastUseSink
{
    public void Report(Dictionary<string, Dictionary<string, DateTimeOffset>> byOrg)
    {
        foreach (var (orgId, uses) in byOrg)
        {
            grains.GetGrain<IOrganizationGrain>(orgId).ReportLastUsed(uses).Ignore();
        }
    }
}
