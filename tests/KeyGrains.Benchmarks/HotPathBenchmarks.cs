using System.Net;
using BenchmarkDotNet.Attributes;

namespace KeyGrains.Benchmarks;

/// <summary>The pieces of one verification, each on its own, with the allocations per call.</summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    private static readonly KeyTagger Tagger = new([System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)], acceptLegacy: false);
    private readonly string _key = Tagger.NewKey(ApiKeyFormat.NewId());
    private readonly byte[] _hash = new byte[32];
    private readonly IPNetwork[] _networks =
    [
        IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("2001:db8::/32"), IPNetwork.Parse("203.0.113.0/24"),
    ];
    private readonly IPAddress _ip = IPAddress.Parse("203.0.113.7");
    private readonly string[] _granted = ["clusters:read", "backups:*", "*:read"];

    [Benchmark]
    public bool ParseAndTag() => Tagger.TryParse(_key, out _);

    [Benchmark]
    public byte Sha256()
    {
        ApiKeyFormat.Hash(_key, _hash);
        return _hash[0];
    }

    [Benchmark]
    public bool IpRules()
    {
        foreach (var network in _networks)
        {
            if (network.Contains(_ip))
            {
                return true;
            }
        }

        return false;
    }

    [Benchmark]
    public bool PermissionMatch() => Permissions.AnyGrants(_granted, "backups:restore");
}
