using System.Net;

namespace KeyGrains.Keys;

/// <summary>
/// A key's compiled model and its use: what the key grain and the nodes' copies (<see cref="Replicas.NodeReplicas"/>)
/// both answer from, so "verify, then record a successful use (and which secret was presented)"
/// is written once.
/// </summary>
internal sealed class PublishedKey(VerificationModel model, KeyUsage usage, SecretWatch current)
{
    public VerificationModel Model => model;

    public KeyUsage Usage => usage;

    public VerifyResult Verify(string key, IPAddress? ip, string[]? permissions, DateTimeOffset now)
    {
        var result = model.Verify(key, ip, permissions, now, out var byCurrentSecret);
        if (byCurrentSecret)
        {
            current.RecordPresented();
        }

        if (result.IsValid)
        {
            usage.Record(now);
        }

        return result;
    }
}
