namespace MarketFeed.Gateway.Auth;

/// <summary>Who a connection is: a name, how it proved it, what it may do, and until when.</summary>
/// <param name="Name">Key name or token subject ("anonymous" with auth off).</param>
/// <param name="Kind">"anonymous", "api-key" or "jwt".</param>
/// <param name="Entitlements">What it may do.</param>
/// <param name="ExpiresAt">Token expiry (the connection is closed with 4003 then), or null.</param>
internal sealed record ClientIdentity(string Name, string Kind, Entitlements Entitlements, DateTimeOffset? ExpiresAt)
{
    /// <summary>The identity of every client while authentication is off.</summary>
    public static ClientIdentity Anonymous { get; } = new("anonymous", "anonymous", Entitlements.All, null);

    /// <summary>True for <see cref="Anonymous"/>.</summary>
    public bool IsAnonymous => Kind == "anonymous";
}
