namespace KeyGrains.Hosting;

/// <summary>
/// <c>Orleans:Tls</c>: mutual TLS on the silo and gateway ports. Each node presents the certificate
/// in <see cref="CertificatePath"/> (its key in <see cref="KeyPath"/>) and accepts a peer, silo or
/// client, only if the peer's certificate chains to a CA in <see cref="CaPath"/>.
/// </summary>
public sealed class NodeTlsOptions
{
    /// <summary>PEM file with this node's certificate, issued by a CA in <see cref="CaPath"/>.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM file with the private key of <see cref="CertificatePath"/>.</summary>
    public string? KeyPath { get; set; }

    /// <summary>PEM file with one or more CA certificates; during a CA change it holds the old and the new.</summary>
    public string? CaPath { get; set; }

    /// <summary>Plain TCP between nodes, said out loud: a cluster on PostgreSQL refuses to start without TLS otherwise.</summary>
    public bool Disabled { get; set; }

    /// <summary>Any of the three files named: the node is meant to speak TLS.</summary>
    public bool Configured() =>
        !string.IsNullOrWhiteSpace(CertificatePath) || !string.IsNullOrWhiteSpace(KeyPath) || !string.IsNullOrWhiteSpace(CaPath);

    /// <summary>TLS is set up and not switched off: silos and clients use it.</summary>
    public bool Enabled() => Configured() && !Disabled;
}
