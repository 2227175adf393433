using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MarketFeed.Gateway.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MarketFeed.Gateway.Auth;

/// <summary>
/// Authenticates a WebSocket upgrade from its credential: an API key (compared by SHA-256, in
/// constant time) or a JWT (issuer, audience, lifetime, HS256/RS256/ES256 signature).
/// </summary>
/// <remarks>Thread-safe; built once on start (keys and JWKS are read then).</remarks>
internal sealed class Authenticator
{
    /// <summary>Subprotocol prefix that carries a credential (browsers cannot set headers on a WebSocket).</summary>
    public const string TokenSubProtocolPrefix = "marketfeed.token.";

    private readonly AuthOptions _options;
    private readonly List<(byte[] Hash, ApiKeyOptions Key)> _apiKeys = [];
    private readonly Dictionary<string, EntitlementOptions> _profiles;
    private readonly JsonWebTokenHandler _jwtHandler = new();
    private readonly TokenValidationParameters? _jwtParameters;

    public Authenticator(IOptions<AuthOptions> options)
    {
        _options = options.Value;
        _profiles = _options.Profiles;
        foreach (var key in _options.ApiKeys)
        {
            _apiKeys.Add((Convert.FromHexString(key.Sha256), key));
        }

        if (_options.Jwt.IsConfigured)
        {
            _jwtParameters = new TokenValidationParameters
            {
                ValidIssuer = _options.Jwt.Issuer,
                ValidateIssuer = _options.Jwt.Issuer is not null,
                ValidAudience = _options.Jwt.Audience,
                ValidateAudience = _options.Jwt.Audience is not null,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ClockSkew = TimeSpan.FromSeconds(_options.Jwt.ClockSkewSeconds),
                IssuerSigningKeys = LoadSigningKeys(_options.Jwt),
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256],
            };
        }
    }

    public bool Enabled => _options.Enabled;

    /// <summary>Finds and checks the credential of an upgrade request.</summary>
    public async Task<AuthResult> AuthenticateAsync(HttpContext context)
    {
        if (!_options.Enabled)
        {
            return AuthResult.Ok(ClientIdentity.Anonymous);
        }

        string? credential = FindCredential(context);
        if (string.IsNullOrEmpty(credential))
        {
            return AuthResult.Refuse(StatusCodes.Status401Unauthorized, "authentication required: an API key or a bearer token (docs/protocol.md, section 1)");
        }

        // A JWT has three dot-separated parts; anything else is taken as an API key.
        if (credential.AsSpan().Count('.') == 2 && _jwtParameters is not null)
        {
            return await ValidateJwtAsync(credential).ConfigureAwait(false);
        }

        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(credential));
        foreach (var (expected, key) in _apiKeys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, expected))
            {
                return AuthResult.Ok(new ClientIdentity(key.Name, "api-key", Profile(key.Profile, null), null));
            }
        }

        return AuthResult.Refuse(StatusCodes.Status401Unauthorized, "invalid credential");
    }

    private string? FindCredential(HttpContext context)
    {
        var request = context.Request;
        string authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        string apiKey = request.Headers["X-Api-Key"].ToString();
        if (apiKey.Length > 0)
        {
            return apiKey;
        }

        foreach (string protocol in context.WebSockets.WebSocketRequestedProtocols)
        {
            if (protocol.StartsWith(TokenSubProtocolPrefix, StringComparison.Ordinal))
            {
                return protocol[TokenSubProtocolPrefix.Length..];
            }
        }

        if (_options.AllowQueryToken && request.Query.TryGetValue("access_token", out var token))
        {
            return token.ToString();
        }

        return null;
    }

    private async Task<AuthResult> ValidateJwtAsync(string token)
    {
        TokenValidationResult result = await _jwtHandler.ValidateTokenAsync(token, _jwtParameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            string reason = result.Exception switch
            {
                SecurityTokenExpiredException => "token expired",
                SecurityTokenNotYetValidException => "token not yet valid",
                SecurityTokenInvalidAudienceException => "token audience not accepted",
                SecurityTokenInvalidIssuerException => "token issuer not accepted",
                SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "token signature not valid",
                _ => "invalid token",
            };
            return AuthResult.Refuse(StatusCodes.Status401Unauthorized, reason);
        }

        var jwt = (JsonWebToken)result.SecurityToken;
        string subject = jwt.Subject is { Length: > 0 } sub ? sub : "jwt";
        jwt.TryGetPayloadValue(_options.Jwt.ProfileClaim, out string? profile);
        if (profile is not null && profile != EntitlementOptions.DefaultProfile && !_profiles.ContainsKey(profile))
        {
            return AuthResult.Refuse(StatusCodes.Status403Forbidden, $"token names unknown profile '{profile}'");
        }

        return AuthResult.Ok(new ClientIdentity(subject, "jwt", Profile(profile, SymbolsClaim(result.ClaimsIdentity)), jwt.ValidTo == DateTime.MinValue ? null : new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero)));
    }

    private List<string>? SymbolsClaim(ClaimsIdentity identity)
    {
        var claims = identity.FindAll(_options.Jwt.SymbolsClaim).ToList();
        if (claims.Count == 0)
        {
            return null;
        }

        var symbols = new List<string>();
        foreach (var claim in claims)
        {
            symbols.AddRange(claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        return symbols;
    }

    private Entitlements Profile(string? name, IReadOnlyList<string>? narrowSymbols) =>
        new(_profiles.TryGetValue(name ?? EntitlementOptions.DefaultProfile, out var profile) ? profile : new EntitlementOptions(), narrowSymbols);

    private static List<SecurityKey> LoadSigningKeys(JwtOptions jwt)
    {
        var keys = new List<SecurityKey>();
        foreach (string secret in jwt.HmacSecrets)
        {
            byte[] bytes = Convert.FromBase64String(secret);
            if (bytes.Length < 32)
            {
                throw new InvalidOperationException("configuration Auth:Jwt:HmacSecrets: an HS256 secret must be at least 32 bytes (base64)");
            }

            keys.Add(new SymmetricSecurityKey(bytes));
        }

        // The key objects live as long as the server: the signing keys hold them.
#pragma warning disable CA2000
        foreach (string file in jwt.PublicKeyFiles)
        {
            string pem = File.ReadAllText(ConfigPaths.Resolve(file));
            var rsa = RSA.Create();
            try
            {
                rsa.ImportFromPem(pem);
                keys.Add(new RsaSecurityKey(rsa));
                continue;
            }
            catch (ArgumentException)
            {
                rsa.Dispose(); // not RSA: try EC P-256
            }

            var ec = ECDsa.Create();
            try
            {
                ec.ImportFromPem(pem);
            }
            catch (ArgumentException ex)
            {
                ec.Dispose();
                throw new InvalidOperationException($"configuration Auth:Jwt:PublicKeyFiles: '{file}' holds no RSA or EC public key in PEM", ex);
            }

            keys.Add(new ECDsaSecurityKey(ec));
        }
#pragma warning restore CA2000

        if (!string.IsNullOrEmpty(jwt.JwksFile))
        {
            try
            {
                keys.AddRange(new JsonWebKeySet(File.ReadAllText(ConfigPaths.Resolve(jwt.JwksFile))).GetSigningKeys());
            }
            catch (Exception ex) when (ex is ArgumentException or JsonException)
            {
                throw new InvalidOperationException($"configuration Auth:Jwt:JwksFile: '{jwt.JwksFile}' is not a JSON Web Key Set: {ex.Message}", ex);
            }
        }

        return keys;
    }
}
