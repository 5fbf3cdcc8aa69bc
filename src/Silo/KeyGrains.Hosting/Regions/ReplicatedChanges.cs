using Microsoft.Extensions.Options;
using System.Threading.Channels;
using KeyGrains.Replicas;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Core.Internal;

namespace KeyGrains.Hosting.Regions;

/// <summary>
/// A replica region's reaction to rows the subscription applied: the trigger of
/// deploy/regions/replica.sql notifies <see cref="Channel"/> with <c>state:grain key</c>; this
/// deactivates the grains whose rows changed, so their next call reads the new row, and then has
/// every node drop its copies of the changed keys at their new versions. Organizations go first:
/// a key grain that activates asks its organization for the record, which must be the new one.
/// </summary>
public sealed class ReplicatedChanges(
    IGrainFactory grains,
    IOptions<KeyGrainsSiloOptions> node,
    ILogger<ReplicatedChanges> logger) : BackgroundService
{
    public const string Channel = "keygrains_replicated";

    private static readonly TimeSpan DropTimeout = TimeSpan.FromSeconds(2);

    private readonly Channel<string> _changes = System.Threading.Channels.Channel.CreateUnbounded<string>(new() { SingleReader = true });

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ListenAsync(stoppingToken), ApplyAsync(stoppingToken));

    private async Task ListenAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(node.Value.ConnectionStrings.Postgres);
                await connection.OpenAsync(stop);
                connection.Notification += (_, e) => _changes.Writer.TryWrite(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stop);
                }

                // Notifications sent while no one listened are lost: reload what anyone may hold.
                _changes.Writer.TryWrite(Everything);
                while (!stop.IsCancellationRequested)
                {
                    await connection.WaitAsync(stop);
                }
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                logger.LogWarning("Listening for replicated changes failed ({Error}); listening again in a second", e.GetType().Name);
                await Task.Delay(TimeSpan.FromSeconds(1), stop);
            }
        }
    }

    private const string Everything = "*";

    private async Task ApplyAsync(CancellationToken stop)
    {
        var reader = _changes.Reader;
        while (await reader.WaitToReadAsync(stop))
        {
            var batch = new HashSet<string>(StringComparer.Ordinal);
            while (reader.TryRead(out var change))
            {
                batch.Add(change);
            }

            try
            {
                await ApplyAsync(batch);
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                // Not lost: nodes would keep renewing their leases and answering from the old copies.
                // Tried again, with whatever arrived meanwhile.
                logger.LogWarning(e, "Reloading {Count} replicated changes failed; trying again in a second", batch.Count);
                await Task.Delay(TimeSpan.FromSeconds(1), stop);
                foreach (var change in batch)
                {
                    _changes.Writer.TryWrite(change);
                }
            }
        }
    }

    private async Task ApplyAsync(HashSet<string> batch)
    {
        if (batch.Contains(Everything))
        {
            // Every grain reads its row again, and every node drops every copy.
            await grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
            await CopyDrops.DropAllEverywhereAsync(grains, DropTimeout);
            return;
        }

        var keys = new List<string>();
        var reloads = new List<Task>();
        foreach (var change in batch)
        {
            var colon = change.IndexOf(':');
            if (colon < 0)
            {
                continue;
            }

            var (state, id) = (change[..colon], change[(colon + 1)..]);
            switch (state)
            {
                case ReplicatedState.Organization or ReplicatedState.LastUse:
                    reloads.Add(Deactivate(grains.GetGrain<IOrganizationGrain>(id)));
                    break;
                case ReplicatedState.Key:
                    keys.Add(id);
                    break;
                case "audit":
                    reloads.Add(Deactivate(grains.GetGrain<IAuditLogGrain>(id)));
                    break;
                case "operator":
                    reloads.Add(Deactivate(grains.GetGrain<IOperatorGrain>(0)));
                    break;
            }
        }

        await Task.WhenAll(reloads);
        await Task.WhenAll(keys.Select(k => Deactivate(grains.GetGrain<IKeyCopySource>(k))));
        var copies = await Task.WhenAll(keys.Select(k => grains.GetGrain<IKeyCopySource>(k).GetCopy(0)));
        await CopyDrops.DropEverywhereAsync(grains, [.. keys.Select((k, i) => new KeyVersion(k, copies[i].Version))], DropTimeout);
    }

    private static async Task Deactivate(IAddressable grain) => await grain.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
}
