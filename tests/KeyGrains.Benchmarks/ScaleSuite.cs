using System.Diagnostics;
using System.Text.Json;
using KeyGrains.Hosting;
using KeyGrains.Keys;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;

namespace KeyGrains.Benchmarks;

public sealed record ScaleFigures(int ActiveKeys, double P50Us, double P99Us, double HeapBytesPerKey, double SecondsToLoad, double FloorBytesPerActivation);

/// <summary>
/// How verification behaves as the set of active keys grows: N key grains activated in one silo
/// (storage that keeps nothing, so the heap holds only what verification needs), then the GC heap
/// per key after a forced collection, and p50/p99 of in-process grain verifications of random keys.
/// </summary>
public static class ScaleSuite
{
    private const int Samples = 20_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var count = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
        var figures = await MeasureAsync(count);
        Console.WriteLine("SCALE " + JsonSerializer.Serialize(figures));
        return 0;
    }

    public static async Task<ScaleFigures> MeasureAsync(int count)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) => silo.Services.AddKeyedSingleton<IGrainStorage>(GrainStorage.Name, new NullStorage()));
        builder.ConfigureSiloHost((_, host) => host.Services.AddKeyGrainsDomain(host.Configuration));
        await using var cluster = builder.Build();
        await cluster.DeployAsync();

        // Warm the paths before the baseline, so one-off allocations are not charged to the keys.
        var warm = await LoadAsync(cluster.Client, 0, 1000, keep: 0);
        var before = Heap();
        var clock = Stopwatch.StartNew();
        var sample = await LoadAsync(cluster.Client, 1000, count, keep: Math.Min(Samples, count));
        var load = clock.Elapsed.TotalSeconds;
        var after = Heap();
        var sampleBytes = sample.Sum(s => 24L + 2L * s.Length) + 32L * sample.Count;
        var perKey = (after - before - sampleBytes) / (double)count;

        // The floor: as many empty activations, to tell Orleans' own cost from the key's.
        var floorCount = Math.Min(count, 100_000);
        var floorBefore = Heap();
        await Parallel.ForAsync(0, floorCount, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
            await cluster.Client.GetGrain<IFloorGrain>("floor-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Touch());
        var floor = (Heap() - floorBefore) / (double)floorCount;

        var latencies = new double[Samples];
        var random = new Random(7);
        for (var i = 0; i < Samples; i++)
        {
            var key = sample[random.Next(sample.Count)];
            ApiKeyFormat.TryReadId(key, out var id);
            var grain = cluster.Client.GetGrain<IApiKeyGrain>(id.ToString());
            var started = Stopwatch.GetTimestamp();
            var result = await grain.Verify(new VerifyRequest(key, null, ["clusters:read"]));
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            if (!result.IsValid)
            {
                throw new InvalidOperationException("A loaded key did not verify: " + result.Code);
            }
        }

        Array.Sort(latencies);
        GC.KeepAlive(warm);
        return new ScaleFigures(count, latencies[Samples / 2], latencies[Samples * 99 / 100], perKey, load, floor);
    }

    private static long Heap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>Gives <paramref name="count"/> keys to their grains (as the organization would) and keeps a few of the secrets.</summary>
    private static async Task<List<string>> LoadAsync(IClusterClient client, int start, int count, int keep)
    {
        var kept = new List<string>(keep);
        var hash = ApiKeyFormat.Hash(KeyTagger.Legacy.NewKey(ApiKeyFormat.NewId()));
        var every = keep == 0 ? int.MaxValue : Math.Max(1, count / keep);
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
        {
            var id = ApiKeyFormat.NewId();
            var secret = KeyTagger.Legacy.NewKey(id);
            var record = new KeyRecord
            {
                Id = id,
                OrgId = "org-" + ((start + i) / 1000),
                Version = 1,
                Name = "bench",
                Roles = ["viewer"],
                Permissions = ["*:read"],
                SecretHash = i % every == 0 ? ApiKeyFormat.Hash(secret) : hash,
                Last4 = secret[^4..],
                CreatedAt = DateTimeOffset.UtcNow,
                CreatedBy = "operator",
            };
            await client.GetGrain<IKeyReplica>(id).Apply(record);
            if (i % every == 0)
            {
                lock (kept)
                {
                    if (kept.Count < keep)
                    {
                        kept.Add(secret);
                    }
                }
            }
        });
        return kept;
    }

    /// <summary>Storage that keeps nothing: the heap then holds the activations alone.</summary>
    private sealed class NullStorage : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.CompletedTask;

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            grainState.ETag = "1";
            grainState.RecordExists = true;
            return Task.CompletedTask;
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.CompletedTask;
    }
}
