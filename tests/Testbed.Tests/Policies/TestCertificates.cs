using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Testbed.Tests.Policies;

/// <summary>A private CA and a server certificate it signed, made for a test with .NET's CertificateRequest: what a
/// lab that runs its policy server behind TLS has. The CA's certificate is written as PEM for a policy config.</summary>
public sealed class TestCertificates : IDisposable
{
    private TestCertificates(X509Certificate2 authority, X509Certificate2 server, string folder)
    {
        Authority = authority;
        Server = server;
        Folder = folder;
        CaFile = Path.Combine(folder, "lab-ca.pem");
        File.WriteAllText(CaFile, authority.ExportCertificatePem());
        ServerCertificateFile = Path.Combine(folder, "server.pem");
        File.WriteAllText(ServerCertificateFile, server.ExportCertificatePem());
        ServerKeyFile = Path.Combine(folder, "server-key.pem");
        File.WriteAllText(ServerKeyFile, server.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
    }

    public X509Certificate2 Authority { get; }

    /// <summary>The server's certificate with its private key.</summary>
    public X509Certificate2 Server { get; }

    public string Folder { get; }

    public string CaFile { get; }

    /// <summary>The server's certificate and its private key as PEM files, for a server that reads them from disk.</summary>
    public string ServerCertificateFile { get; }

    public string ServerKeyFile { get; }

    /// <param name="dnsName">The DNS name the server certificate is issued to.</param>
    /// <param name="forLoopback">Also issued to 127.0.0.1.</param>
    public static TestCertificates Create(string dnsName = "localhost", bool forLoopback = true)
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Testbed test lab CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var authority = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest($"CN={dnsName}", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(dnsName);
        if (forLoopback) names.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = serverRequest.Create(authority, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(8));
        using var withKey = signed.CopyWithPrivateKey(serverKey);
        // Through PKCS#12, as a server loads its certificate from disk: the key is then usable by SslStream everywhere.
        var server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);

        var folder = Path.Combine(Path.GetTempPath(), "testbed-tls-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return new TestCertificates(authority, server, folder);
    }

    public void Dispose()
    {
        Authority.Dispose();
        Server.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
