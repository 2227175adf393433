using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MarketFeed.Testing;

/// <summary>
/// A self-signed server certificate for 127.0.0.1 and localhost (ECDSA P-256, serverAuth), written
/// as PEM (certificate and PKCS#8 key) and PFX, with the fingerprints the clients pin.
/// </summary>
public sealed class SelfSignedCertificate : IDisposable
{
    private SelfSignedCertificate(X509Certificate2 certificate) => Certificate = certificate;

    /// <summary>The certificate with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>SHA-256 of the DER certificate, upper-case hex (what MarketFeedClientOptions.PinnedServerCertificateSha256 takes).</summary>
    public string Sha256 => Convert.ToHexString(SHA256.HashData(Certificate.RawData));

    /// <summary>Base64 SHA-256 of the SubjectPublicKeyInfo (Chromium's --ignore-certificate-errors-spki-list).</summary>
    public string SpkiSha256Base64 => Convert.ToBase64String(SHA256.HashData(Certificate.PublicKey.ExportSubjectPublicKeyInfo()));

    /// <summary>Makes a certificate valid from an hour ago for a day.</summary>
    public static SelfSignedCertificate Create(string commonName = "MarketFeed test")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + commonName, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        return new SelfSignedCertificate(request.CreateSelfSigned(now.AddHours(-1), now.AddDays(1)));
    }

    /// <summary>Writes the certificate and its unencrypted key as PEM (each replaced atomically).</summary>
    public void WritePem(string certificatePath, string keyPath)
    {
        using var key = Certificate.GetECDsaPrivateKey()!;
        WriteAtomically(keyPath, key.ExportPkcs8PrivateKeyPem());
        WriteAtomically(certificatePath, Certificate.ExportCertificatePem());
    }

    /// <summary>Writes a password-protected PKCS#12 (PFX) file.</summary>
    public void WritePfx(string path, string password) => File.WriteAllBytes(path, Certificate.Export(X509ContentType.Pkcs12, password));

    /// <inheritdoc />
    public void Dispose() => Certificate.Dispose();

    private static void WriteAtomically(string path, string text)
    {
        string temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
