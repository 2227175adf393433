namespace MarketFeed.Gateway.Auth;

/// <summary>Outcome of authenticating an upgrade: an identity, or the HTTP status and reason to refuse it with.</summary>
internal readonly record struct AuthResult(ClientIdentity? Identity, int Status, string Reason)
{
    public static AuthResult Ok(ClientIdentity identity) => new(identity, StatusCodes.Status101SwitchingProtocols, string.Empty);

    public static AuthResult Refuse(int status, string reason) => new(null, status, reason);
}
