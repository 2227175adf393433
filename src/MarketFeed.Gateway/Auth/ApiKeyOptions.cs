namespace MarketFeed.Gateway.Auth;

/// <summary>One API key of <see cref="AuthOptions.ApiKeys"/>.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>Identity of the key's holder (in logs, the welcome and per-identity connection limits).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>SHA-256 of the key, 64 hex digits (<c>printf %s KEY | sha256sum</c>).</summary>
    public string Sha256 { get; set; } = string.Empty;

    /// <summary>Entitlement profile (default "default").</summary>
    public string? Profile { get; set; }
}
