namespace MarketFeed.Gateway.Auth;

/// <summary>Authentication, entitlements and the Origin check (section "Auth"). See docs/operations.md.</summary>
public sealed class AuthOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Auth";

    /// <summary>
    /// When false (the local default) every client is anonymous and entitled to everything; the
    /// server says so in its log and in every welcome.
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>API keys: a name, the SHA-256 of the key (hex) and an entitlement profile. Keys themselves are never stored.</summary>
    public List<ApiKeyOptions> ApiKeys { get; set; } = [];

    /// <summary>JWT bearer tokens.</summary>
    public JwtOptions Jwt { get; set; } = new();

    /// <summary>Entitlement profiles by name; keys and tokens name one (missing: "default").</summary>
    public Dictionary<string, EntitlementOptions> Profiles { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Origins (scheme://host[:port]) whose browser pages may open the WebSocket. Empty: with auth on,
    /// only the server's own origin (its dashboard); with auth off, any. Requests without an Origin
    /// header (non-browser clients) are not affected.
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>Accept the credential as the <c>access_token</c> query parameter (browsers cannot set headers on a WebSocket).</summary>
    public bool AllowQueryToken { get; set; } = true;

    /// <summary>Throws with the key name if something is inconsistent.</summary>
    public void Validate()
    {
        foreach (var key in ApiKeys)
        {
            if (string.IsNullOrEmpty(key.Name) || key.Sha256 is not { Length: 64 } || !IsHex(key.Sha256))
            {
                throw new InvalidOperationException($"configuration {SectionName}:ApiKeys: every key needs a Name and a Sha256 (64 hex digits) (key '{key.Name}')");
            }

            CheckProfile(key.Profile, $"{SectionName}:ApiKeys:{key.Name}:Profile");
        }

        if (Enabled && ApiKeys.Count == 0 && !Jwt.IsConfigured)
        {
            throw new InvalidOperationException($"configuration {SectionName}:Enabled is true but neither {SectionName}:ApiKeys nor {SectionName}:Jwt keys are configured: nobody could connect");
        }

        foreach (var (name, profile) in Profiles)
        {
            profile.Validate($"{SectionName}:Profiles:{name}");
        }
    }

    private void CheckProfile(string? profile, string key)
    {
        if (profile is not null && profile != EntitlementOptions.DefaultProfile && !Profiles.ContainsKey(profile))
        {
            throw new InvalidOperationException($"configuration {key} names profile '{profile}', which is not in {SectionName}:Profiles");
        }
    }

    private static bool IsHex(string text)
    {
        foreach (char c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
