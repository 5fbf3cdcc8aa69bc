using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KeyGrains.Hosting;

namespace KeyGrains.Testing;

/// <summary>
/// A throwaway CA whose PEM files the tests hand to silos, web APIs and clients as
/// <c>Orleans:Tls:*</c>, made with .NET's own <see cref="CertificateRequest"/> so no tool is needed.
/// </summary>
public sealed class TestCa
{
    private readonly X509Certificate2 _ca;
    private readonly string _directory;

    private TestCa(X509Certificate2 ca, string directory, string caPath)
    {
        _ca = ca;
        _directory = directory;
        CaPath = caPath;
    }

    /// <summary>The CA's certificate, the file every node trusts.</summary>
    public string CaPath { get; }

    public static TestCa Create(string directory, string name = "KeyGrains test CA")
    {
        Directory.CreateDirectory(directory);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var caPath = Path.Combine(directory, FileName(name) + ".ca.pem");
        File.WriteAllText(caPath, ca.ExportCertificatePem() + "\n");
        return new TestCa(ca, directory, caPath);
    }

    /// <summary>A node certificate from this CA (server and client use), its key beside it.</summary>
    public NodeTlsOptions Issue(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [Oid.FromOidValue("1.3.6.1.5.5.7.3.1", OidGroup.EnhancedKeyUsage), Oid.FromOidValue("1.3.6.1.5.5.7.3.2", OidGroup.EnhancedKeyUsage)], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var certificate = request.Create(_ca, _ca.NotBefore, _ca.NotAfter, serial);
        var stem = Path.Combine(_directory, FileName(name));
        File.WriteAllText(stem + ".pem", certificate.ExportCertificatePem() + "\n");
        File.WriteAllText(stem + ".key", key.ExportPkcs8PrivateKeyPem() + "\n");
        return new NodeTlsOptions { CertificatePath = stem + ".pem", KeyPath = stem + ".key", CaPath = CaPath };
    }

    private static string FileName(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) ? c : '-'));
}

public static class NodeTlsSettings
{
    /// <summary>The files as environment variables for a child process (<c>Orleans__Tls__CertificatePath</c>, ...).</summary>
    public static Dictionary<string, string> Environment(this NodeTlsOptions tls) => new()
    {
        ["Orleans__Tls__CertificatePath"] = tls.CertificatePath!,
        ["Orleans__Tls__KeyPath"] = tls.KeyPath!,
        ["Orleans__Tls__CaPath"] = tls.CaPath!,
    };
}
