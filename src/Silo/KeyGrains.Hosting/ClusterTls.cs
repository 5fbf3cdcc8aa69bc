using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;
using Orleans.Hosting;

namespace KeyGrains.Hosting;

/// <summary>
/// Mutual TLS on every Orleans connection, from <see cref="NodeTlsOptions"/>: silo to silo, and
/// client to gateway. Both ends present a certificate and both accept the other's only if it
/// chains to a CA in <c>Orleans:Tls:CaPath</c>; nothing else about the peer is checked.
/// </summary>
public static class ClusterTls
{
    /// <summary>TLS on the silo and gateway ports and on this silo's own outgoing connections; nothing when TLS is off.</summary>
    public static ISiloBuilder UseKeyGrainsTls(this ISiloBuilder silo, NodeTlsOptions tls) =>
        tls.Enabled() ? silo.UseTls(Load(tls).Configure) : silo;

    /// <summary>TLS on this client's connections to the gateways; nothing when TLS is off.</summary>
    public static IClientBuilder UseKeyGrainsTls(this IClientBuilder client, NodeTlsOptions tls) =>
        tls.Enabled() ? client.UseTls(Load(tls).Configure) : client;

    /// <summary>
    /// Whether <paramref name="certificate"/> chains to one of <paramref name="authorities"/>, and to
    /// nothing else: the machine's trusted roots play no part, so a certificate any public CA
    /// issued is refused like a self-signed one. Validity dates are checked; revocation is not
    /// (a private CA publishes no CRL: a lost node key is answered by a new CA, see docs/security.md).
    /// </summary>
    public static bool ChainsTo(X509Certificate2 certificate, X509Certificate2Collection authorities)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private static NodeCertificates Load(NodeTlsOptions tls)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(tls.CertificatePath!, tls.KeyPath!);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException(
                $"KeyGrains cannot start: Orleans:Tls:CertificatePath '{tls.CertificatePath}' and Orleans:Tls:KeyPath '{tls.KeyPath}' " +
                $"are not a PEM certificate and its private key ({e.Message}).", e);
        }

        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(tls.CaPath!);
        if (authorities.Count == 0)
        {
            throw new InvalidOperationException($"KeyGrains cannot start: Orleans:Tls:CaPath '{tls.CaPath}' holds no PEM certificate.");
        }

        // Said at start rather than as refused connections later: every peer would turn this node away.
        if (!ChainsTo(certificate, authorities))
        {
            throw new InvalidOperationException(
                $"KeyGrains cannot start: the certificate in Orleans:Tls:CertificatePath '{tls.CertificatePath}' is not issued by a CA " +
                $"in Orleans:Tls:CaPath '{tls.CaPath}', or is outside its validity dates: every peer would refuse it.");
        }

        return new NodeCertificates(certificate, authorities);
    }

    private sealed record NodeCertificates(X509Certificate2 Certificate, X509Certificate2Collection Authorities)
    {
        public void Configure(TlsOptions options)
        {
            options.LocalCertificate = Certificate;
            // Required both ways: a client or silo without a certificate from the CA gets no connection at all.
            options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
            // Replaces the platform's check, whose trust is the machine's root store and the host name
            // dialled; silos dial each other by address, so the CA alone says who belongs.
            options.RemoteCertificateValidation = (peer, _, _) => ChainsTo(peer, Authorities);
            options.CheckCertificateRevocation = false;
        }
    }
}
