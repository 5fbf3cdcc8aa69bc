using System.Net;

namespace KeyGrains.Keys;

/// <summary>
/// This node's in-memory answers for keys, which a verification asks before it calls a key grain.
/// An answer must be exactly what the key's grain would say now; a miss means "ask the grain".
/// </summary>
public interface INodeKeyCache
{
    bool TryVerify(ReadOnlySpan<char> keyId, string key, IPAddress? ip, string[]? permissions, out VerifyResult result);
}

/// <summary>A node that holds no key models (a web API in Client mode): every verification asks the grain.</summary>
public sealed class NoNodeKeyCache : INodeKeyCache
{
    public static readonly NoNodeKeyCache Instance = new();

    public bool TryVerify(ReadOnlySpan<char> keyId, string key, IPAddress? ip, string[]? permissions, out VerifyResult result)
    {
        result = VerifyResult.NotFound;
        return false;
    }
}
