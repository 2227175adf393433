using System.Net.Security;
using System.Security.Cryptography;

namespace MarketFeed.Client;

/// <summary>Accepts exactly one server certificate, identified by its SHA-256 fingerprint.</summary>
internal static class ServerCertificatePin
{
    /// <summary>The 32 bytes of a hex fingerprint (colons and spaces ignored), or null if it is not one.</summary>
    public static byte[]? Parse(string fingerprint)
    {
        string hex = fingerprint.Replace(":", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal);
        if (hex.Length != 64)
        {
            return null;
        }

        try
        {
            return Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>A validation callback that accepts the certificate with this fingerprint and nothing else.</summary>
    public static RemoteCertificateValidationCallback Callback(byte[] pin) =>
        (_, certificate, _, _) => certificate is not null
            && CryptographicOperations.FixedTimeEquals(SHA256.HashData(certificate.GetRawCertData()), pin);
}
