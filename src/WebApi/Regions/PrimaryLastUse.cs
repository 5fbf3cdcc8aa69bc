using System.Net.Http.Headers;
using System.Net.Http.Json;
using KeyGrains.Keys;
using KeyGrains.WebApi.Auth;
using Microsoft.Extensions.Options;

namespace KeyGrains.WebApi.Regions;

/// <summary>
/// In a replica region, last use goes to the primary, whose organizations are the ones that write:
/// batches posted to <c>POST /v1/regions/last-use</c> under the operator token, at most
/// <see cref="BatchKeys"/> keys per request so each stays under the body limit. A batch the primary
/// cannot take (a partition) is dropped: last use is informational, and the next period reports again.
/// </summary>
public sealed class PrimaryLastUse(IHttpClientFactory clients, IOptions<OperatorTokenOptions> token, ILogger<PrimaryLastUse> logger) : ILastUseSink
{
    public const int BatchKeys = 500;

    public void Report(Dictionary<string, Dictionary<string, DateTimeOffset>> byOrg) => _ = SendAsync(byOrg);

    private async Task SendAsync(Dictionary<string, Dictionary<string, DateTimeOffset>> byOrg)
    {
        var http = clients.CreateClient(PrimaryForwarder.Client);
        foreach (var batch in Batches(byOrg))
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/regions/last-use") { Content = JsonContent.Create(batch) };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value.Token);
                using var answer = await http.SendAsync(request);
                if (!answer.IsSuccessStatusCode)
                {
                    logger.LogWarning("The primary region refused last use of keys: {Status}", (int)answer.StatusCode);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                logger.LogWarning("Last use of keys could not reach the primary region: {Error}", e.GetType().Name);
            }
        }
    }

    private static IEnumerable<Dictionary<string, Dictionary<string, DateTimeOffset>>> Batches(Dictionary<string, Dictionary<string, DateTimeOffset>> byOrg)
    {
        var batch = new Dictionary<string, Dictionary<string, DateTimeOffset>>(StringComparer.Ordinal);
        var keys = 0;
        foreach (var (orgId, uses) in byOrg)
        {
            foreach (var (keyId, at) in uses)
            {
                if (keys == BatchKeys)
                {
                    yield return batch;
                    (batch, keys) = (new Dictionary<string, Dictionary<string, DateTimeOffset>>(StringComparer.Ordinal), 0);
                }

                if (!batch.TryGetValue(orgId, out var org))
                {
                    batch[orgId] = org = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
                }

                org[keyId] = at;
                keys++;
            }
        }

        if (keys > 0)
        {
            yield return batch;
        }
    }
}
