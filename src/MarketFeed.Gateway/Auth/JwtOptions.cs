namespace MarketFeed.Gateway.Auth;

/// <summary>JWT validation (<see cref="AuthOptions.Jwt"/>): issuer, audience, lifetime and signature.</summary>
public sealed class JwtOptions
{
    /// <summary>Required <c>iss</c>.</summary>
    public string? Issuer { get; set; }

    /// <summary>Required <c>aud</c>.</summary>
    public string? Audience { get; set; }

    /// <summary>HS256 secrets, base64 (at least 32 bytes each).</summary>
    public List<string> HmacSecrets { get; set; } = [];

    /// <summary>PEM files of RSA (RS256) or EC P-256 (ES256) public keys; relative paths resolve against the config folder.</summary>
    public List<string> PublicKeyFiles { get; set; } = [];

    /// <summary>A JWKS file (JSON Web Key Set) of public keys, read on start.</summary>
    public string? JwksFile { get; set; }

    /// <summary>Clock skew allowed on <c>exp</c>/<c>nbf</c>, seconds.</summary>
    public int ClockSkewSeconds { get; set; } = 30;

    /// <summary>Claim naming the entitlement profile.</summary>
    public string ProfileClaim { get; set; } = "mf_profile";

    /// <summary>Optional claim narrowing the symbols (patterns, an array or space-separated) within the profile's.</summary>
    public string SymbolsClaim { get; set; } = "mf_symbols";

    /// <summary>True when any signing key is configured.</summary>
    public bool IsConfigured => HmacSecrets.Count > 0 || PublicKeyFiles.Count > 0 || !string.IsNullOrEmpty(JwksFile);
}
