using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using MarketFeed.Core;
using MarketFeed.Protocol;
using MarketFeed.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MarketFeed.IntegrationTests;

/// <summary>
/// Issue 13 parts 1, 2 and 7 against a live server: API keys and JWTs on the upgrade, refusals
/// before the socket, entitlements per symbol, mode, throttle, replay and connection count, the
/// Origin allow-list, token expiry. DESIGN invariant 10: nobody gets what they are not entitled to.
/// </summary>
public sealed class AuthTests
{
    private const string AliceKey = "alice-key-0123456789";
    private const string Issuer = "https://issuer.test";
    private const string Audience = "marketfeed";
    private static readonly byte[] HmacSecret = SHA256.HashData("test secret"u8);

    private static CancellationToken Timeout(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private static string Sha256Hex(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Auth on: alice's key gets profile "basic" (AAPL and MS*, conflated only, throttle >= 5, no replay, 2 connections, 3 symbols).</summary>
    private static string[] AuthArgs(params string[] more) =>
    [
        "--rate", "5000",
        "--Auth:Enabled=true",
        "--Auth:ApiKeys:0:Name=alice", "--Auth:ApiKeys:0:Sha256=" + Sha256Hex(AliceKey), "--Auth:ApiKeys:0:Profile=basic",
        "--Auth:Profiles:basic:Symbols:0=AAPL", "--Auth:Profiles:basic:Symbols:1=MS*",
        "--Auth:Profiles:basic:FullMode=false", "--Auth:Profiles:basic:MinThrottle=5", "--Auth:Profiles:basic:Replay=false",
        "--Auth:Profiles:basic:MaxConnections=2", "--Auth:Profiles:basic:MaxSubscriptions=3",
        "--Auth:Jwt:Issuer=" + Issuer, "--Auth:Jwt:Audience=" + Audience, "--Auth:Jwt:ClockSkewSeconds=0",
        "--Auth:Jwt:HmacSecrets:0=" + Convert.ToBase64String(HmacSecret),
        .. more,
    ];

    private static async Task<(ClientWebSocket Socket, HttpStatusCode? Status)> TryConnectAsync(Uri uri, Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.AddSubProtocol("marketfeed.v1");
        configure?.Invoke(socket.Options);
        try
        {
            await socket.ConnectAsync(uri, Timeout());
            return (socket, socket.HttpStatusCode);
        }
        catch (WebSocketException)
        {
            return (socket, socket.HttpStatusCode);
        }
    }

    private static string Token(SigningCredentials credentials, DateTime expires, Dictionary<string, object>? claims = null, string audience = Audience)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            NotBefore = expires.AddHours(-2),
            IssuedAt = expires.AddHours(-2),
            Expires = expires,
            Claims = claims ?? new Dictionary<string, object> { ["sub"] = "bob" },
            SigningCredentials = credentials,
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    private static SigningCredentials Hs256 => new(new SymmetricSecurityKey(HmacSecret), SecurityAlgorithms.HmacSha256);

    private static async Task<StatusMessage> WelcomeAsync(RawFeedClient client, CancellationToken ct) =>
        Assert.IsType<StatusMessage>(await client.ReceiveUntilAsync(m => m is StatusMessage { State: "welcome" }, ct));

    [Fact]
    public async Task Refusals_Come_AsHttpStatus_BeforeAnySocket()
    {
        await using var server = await FeedServer.StartAsync(AuthArgs());
        var uri = server.WebSocketUri;

        Assert.Equal(HttpStatusCode.Unauthorized, (await TryConnectAsync(uri)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await TryConnectAsync(uri, o => o.SetRequestHeader("X-Api-Key", "wrong"))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await TryConnectAsync(uri, o => o.SetRequestHeader("Authorization", "Bearer " + Token(Hs256, DateTime.UtcNow.AddMinutes(-1))))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await TryConnectAsync(uri, o => o.SetRequestHeader("Authorization", "Bearer " + Token(Hs256, DateTime.UtcNow.AddHours(1), audience: "other")))).Status);
        var forged = new SigningCredentials(new SymmetricSecurityKey(SHA256.HashData("not the secret"u8)), SecurityAlgorithms.HmacSha256);
        Assert.Equal(HttpStatusCode.Unauthorized, (await TryConnectAsync(uri, o => o.SetRequestHeader("Authorization", "Bearer " + Token(forged, DateTime.UtcNow.AddHours(1))))).Status);

        // Origin: a cross-site page is refused even with a valid key; the server's own origin is not.
        Assert.Equal(HttpStatusCode.Forbidden, (await TryConnectAsync(uri, o => { o.SetRequestHeader("X-Api-Key", AliceKey); o.SetRequestHeader("Origin", "https://evil.example"); })).Status);
        string self = server.BaseUri.GetLeftPart(UriPartial.Authority);
        var (own, status) = await TryConnectAsync(uri, o => { o.SetRequestHeader("X-Api-Key", AliceKey); o.SetRequestHeader("Origin", self); });
        Assert.Equal(HttpStatusCode.SwitchingProtocols, status);

        // The identity's connection limit (2): the own-origin connection above is still open (closing
        // it would race the server's release of its place), so one more fits and the next is refused.
        var (a, sa) = await TryConnectAsync(uri, o => o.SetRequestHeader("X-Api-Key", AliceKey));
        var (b, sb) = await TryConnectAsync(uri, o => o.SetRequestHeader("X-Api-Key", AliceKey));
        Assert.Equal((HttpStatusCode.SwitchingProtocols, HttpStatusCode.Forbidden), (sa, sb));
        foreach (var s in new[] { own, a, b })
        {
            s.Dispose();
        }
    }

    [Fact]
    public async Task ApiKey_GetsOnlyWhatItIsEntitledTo()
    {
        await using var server = await FeedServer.StartAsync(AuthArgs());
        var ct = Timeout();
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri, configure: o => o.SetRequestHeader("X-Api-Key", AliceKey));
        var welcome = await WelcomeAsync(client, ct);
        Assert.Equal(("api-key", "alice", 3L), ((string?)welcome.Details["auth"], (string?)welcome.Details["identity"], (long?)welcome.Details["maxSymbolsPerConnection"]));
        Assert.False(welcome.Details.ContainsKey("warning"));

        // Full mode is refused as a whole; conflated goes through for the entitled symbols only,
        // at the entitlement's throttle.
        await client.SendAsync(RawFeedClient.Subscribe(1, DeliveryMode.Full, "AAPL"), ct);
        var seen = new List<ServerMessage>();
        var fullError = Assert.IsType<ErrorMessage>(await client.ReceiveUntilAsync(m => m is ErrorMessage, ct, seen));
        Assert.Equal((1L, 403), (fullError.RequestId, fullError.Code));

        await client.SendAsync(RawFeedClient.Subscribe(2, DeliveryMode.Conflated, "AAPL", "MSFT", "NVDA", "AMZN", "NOPE"), ct);
        seen.Clear();
        var ack = Assert.IsType<SubscribeAckMessage>(await client.ReceiveUntilAsync(m => m is SubscribeAckMessage, ct, seen));
        Assert.Equal(["AAPL", "MSFT"], ack.Symbols.Select(s => s.Symbol));
        Assert.Equal(5, ack.Throttle);
        var forbidden = Assert.Single(seen.OfType<ErrorMessage>(), e => e.Code == 403);
        Assert.Equal(["NVDA", "AMZN"], forbidden.Symbols);
        Assert.Single(seen.OfType<ErrorMessage>(), e => e.Code == 404 && e.Symbol == "NOPE");

        // Replays are not in the profile.
        await client.SendAsync(new ControlRequest { Op = ControlRequest.Ops.Replay, Id = 3, Dataset = "any", Symbols = ["AAPL"] }, ct);
        var replayError = Assert.IsType<ErrorMessage>(await client.ReceiveUntilAsync(m => m is ErrorMessage { RequestId: 3 }, ct));
        Assert.Equal(403, replayError.Code);

        // Invariant 10: over a stretch of the live feed, nothing arrives for a symbol it may not have.
        var entitledIds = ack.Symbols.Select(s => s.SymbolId).ToHashSet();
        int updates = 0;
        await client.ReceiveUntilAsync(
            m =>
            {
                int? id = m switch { QuoteMessage q => q.SymbolId, TradeMessage t => t.SymbolId, SnapshotMessage s => s.State.SymbolId, _ => null };
                if (id is { } symbolId)
                {
                    Assert.Contains(symbolId, entitledIds);
                    updates++;
                }

                return updates >= 200;
            },
            ct);
    }

    [Fact]
    public async Task Jwt_Hs256_AsHeaderQueryOrSubprotocol_AndExpiryClosesWith4003()
    {
        await using var server = await FeedServer.StartAsync(AuthArgs());
        var ct = Timeout();
        string token = Token(Hs256, DateTime.UtcNow.AddHours(1), new Dictionary<string, object> { ["sub"] = "bob", ["mf_profile"] = "basic", ["mf_symbols"] = "AAPL" });

        await using (var viaHeader = await RawFeedClient.ConnectAsync(server.WebSocketUri, configure: o => o.SetRequestHeader("Authorization", "Bearer " + token)))
        {
            var welcome = await WelcomeAsync(viaHeader, ct);
            Assert.Equal(("jwt", "bob"), ((string?)welcome.Details["auth"], (string?)welcome.Details["identity"]));

            // The token narrows the profile's symbols (AAPL, MS*) to AAPL.
            await viaHeader.SendAsync(RawFeedClient.Subscribe(1, DeliveryMode.Conflated, "AAPL", "MSFT"), ct);
            var ack = Assert.IsType<SubscribeAckMessage>(await viaHeader.ReceiveUntilAsync(m => m is SubscribeAckMessage, ct));
            Assert.Equal("AAPL", Assert.Single(ack.Symbols).Symbol);
        }

        await using (var viaQuery = await RawFeedClient.ConnectAsync(new Uri(server.WebSocketUri + "?access_token=" + token)))
        {
            Assert.Equal("bob", (string?)(await WelcomeAsync(viaQuery, ct)).Details["identity"]);
        }

        await using (var viaProtocol = await RawFeedClient.ConnectAsync(server.WebSocketUri, configure: o => o.AddSubProtocol("marketfeed.token." + token)))
        {
            Assert.Equal("marketfeed.v1", viaProtocol.Socket.SubProtocol);
            Assert.Equal("bob", (string?)(await WelcomeAsync(viaProtocol, ct)).Details["identity"]);
        }

        // A token that ends while connected: close 4003.
        string shortLived = Token(Hs256, DateTime.UtcNow.AddSeconds(2));
        await using var expiring = await RawFeedClient.ConnectAsync(server.WebSocketUri, configure: o => o.SetRequestHeader("Authorization", "Bearer " + shortLived));
        Assert.True((await WelcomeAsync(expiring, ct)).Details.ContainsKey("expiresAt"));
        Assert.Null(await expiring.ReceiveUntilAsync(_ => false, ct));
        Assert.Equal((WebSocketCloseStatus)CloseCodes.TokenExpired, expiring.CloseStatus);
    }

    [Fact]
    public async Task Jwt_Rs256FromPemFile_And_Es256FromJwksFile()
    {
        using var dir = new TempDirectory();
        using var rsa = RSA.Create(2048);
        File.WriteAllText(dir.File("rsa.pem"), rsa.ExportSubjectPublicKeyInfoPem());
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var ecKey = new ECDsaSecurityKey(ec) { KeyId = "ec-1" };
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(ecKey);
        File.WriteAllText(dir.File("keys.jwks"), "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"ec-1\",\"use\":\"sig\",\"x\":\"" + jwk.X + "\",\"y\":\"" + jwk.Y + "\"}]}");
        await using var server = await FeedServer.StartAsync(AuthArgs("--Auth:Jwt:PublicKeyFiles:0=" + dir.File("rsa.pem"), "--Auth:Jwt:JwksFile=" + dir.File("keys.jwks")));
        var ct = Timeout();

        string rs = Token(new SigningCredentials(new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256), DateTime.UtcNow.AddHours(1));
        string es = Token(new SigningCredentials(ecKey, SecurityAlgorithms.EcdsaSha256), DateTime.UtcNow.AddHours(1));
        foreach (string token in new[] { rs, es })
        {
            await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri, configure: o => o.SetRequestHeader("Authorization", "Bearer " + token));
            Assert.Equal("jwt", (string?)(await WelcomeAsync(client, ct)).Details["auth"]);
        }

        // Signed by a key the server does not know: refused.
        using var stranger = RSA.Create(2048);
        string unknown = Token(new SigningCredentials(new RsaSecurityKey(stranger), SecurityAlgorithms.RsaSha256), DateTime.UtcNow.AddHours(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await TryConnectAsync(server.WebSocketUri, o => o.SetRequestHeader("Authorization", "Bearer " + unknown))).Status);
    }

    [Fact]
    public async Task AuthOff_IsAnonymous_AndSaysSoInTheWelcome_OriginAllowListStillApplies()
    {
        await using var server = await FeedServer.StartAsync("--Feed:Source=none", "--Auth:AllowedOrigins:0=https://dash.example");
        var ct = Timeout();
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        var welcome = await WelcomeAsync(client, ct);
        Assert.Equal("anonymous", (string?)welcome.Details["auth"]);
        Assert.Contains("authentication is off", (string?)welcome.Details["warning"], StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Forbidden, (await TryConnectAsync(server.WebSocketUri, o => o.SetRequestHeader("Origin", "https://evil.example"))).Status);
        var (ok, status) = await TryConnectAsync(server.WebSocketUri, o => o.SetRequestHeader("Origin", "https://dash.example"));
        Assert.Equal(HttpStatusCode.SwitchingProtocols, status);
        ok.Dispose();
    }

    [Fact]
    public async Task WithAuthOn_MetricsAndApiNeedACredential_HealthStaysPublic()
    {
        await using var server = await FeedServer.StartAsync(AuthArgs());
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        foreach (string path in new[] { "metrics", "api/symbols", "api/catalog" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(path)).StatusCode);
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("X-Api-Key", AliceKey);
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("health")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("app.js.map")).StatusCode);
    }
}
