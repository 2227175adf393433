namespace MarketFeed.Gateway.Options;

/// <summary>
/// The server certificate for every https:// URL (section "Tls"), reloaded when its files change
/// without touching open connections. Alternative: Kestrel's own <c>Kestrel:Certificates:Default</c>
/// or per-endpoint certificates (docs/operations.md compares them).
/// </summary>
public sealed class TlsOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Tls";

    /// <summary>PEM certificate (the leaf first, then any intermediates) or a PKCS#12 file (.pfx/.p12). Null: this section is off.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key (PKCS#8, PKCS#1 or SEC1); null when the key is in the certificate file (PFX or a combined PEM).</summary>
    public string? KeyPath { get; set; }

    /// <summary>Password of the PFX or of an encrypted PEM key; null when there is none.</summary>
    public string? Password { get; set; }

    /// <summary>How often the files' size and modification time are checked; a change loads the new certificate for new handshakes. 0 = never reload.</summary>
    public int ReloadCheckIntervalMs { get; set; } = 2000;

    /// <summary>True when a certificate is configured.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(CertificatePath);

    /// <summary>Checks the settings.</summary>
    /// <exception cref="InvalidOperationException">A setting is out of range.</exception>
    public void Validate()
    {
        if (!IsConfigured && (!string.IsNullOrEmpty(KeyPath) || !string.IsNullOrEmpty(Password)))
        {
            throw new InvalidOperationException("Tls:KeyPath or Tls:Password is set without Tls:CertificatePath");
        }

        if (ReloadCheckIntervalMs < 0)
        {
            throw new InvalidOperationException("Tls:ReloadCheckIntervalMs must be >= 0 (0 = never reload)");
        }
    }
}
