namespace MarketFeed.Gateway.Auth;

/// <summary>What one profile may do (<see cref="AuthOptions.Profiles"/>).</summary>
public sealed class EntitlementOptions
{
    /// <summary>Profile used when a key or token names none.</summary>
    public const string DefaultProfile = "default";

    /// <summary>
    /// Symbol patterns: exact names, a prefix with a trailing <c>*</c> (<c>MS*</c>), or <c>*</c>; null
    /// (not configured) = all. Null rather than ["*"] by default: the configuration binder appends to a
    /// list it finds, which would leave "*" in every configured list.
    /// </summary>
    public List<string>? Symbols { get; set; }

    /// <summary>Full mode allowed (else conflated only).</summary>
    public bool FullMode { get; set; } = true;

    /// <summary>Lowest throttle (updates/s per symbol) granted in conflated mode; 0 = unthrottled allowed.</summary>
    public int MinThrottle { get; set; }

    /// <summary>Per-client replays allowed.</summary>
    public bool Replay { get; set; } = true;

    /// <summary>Dataset patterns a replay may use (as <see cref="Symbols"/>; null = all).</summary>
    public List<string>? Datasets { get; set; }

    /// <summary>Concurrent connections of one identity (0 = no limit beyond the server's).</summary>
    public int MaxConnections { get; set; }

    /// <summary>Symbols one connection may hold (0 = the server's MaxSymbolsPerConnection).</summary>
    public int MaxSubscriptions { get; set; }

    /// <summary>
    /// May read the admin endpoints (<c>/api/admin/*</c>: every connection's identity, address and
    /// subscriptions). Off by default; grant it to an operator's key or token profile only.
    /// </summary>
    public bool Admin { get; set; }

    /// <summary>Throws with the key name if a value is out of range.</summary>
    public void Validate(string key)
    {
        if (MinThrottle < 0 || MaxConnections < 0 || MaxSubscriptions < 0)
        {
            throw new InvalidOperationException($"configuration {key}: MinThrottle, MaxConnections and MaxSubscriptions must be >= 0");
        }
    }
}
