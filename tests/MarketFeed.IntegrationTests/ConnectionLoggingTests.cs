using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using MarketFeed.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace MarketFeed.IntegrationTests;

/// <summary>
/// Issue 13 part 10: every log line about a connection carries its id and identity, and no
/// credential (API key, token, a wrong key) is ever written, whatever the log level.
/// </summary>
public sealed class ConnectionLoggingTests
{
    private const string AliceKey = "alice-SECRET-key-7f3a9c";
    private const string WrongKey = "wrong-SECRET-key-b41e02";
    private static readonly byte[] HmacSecret = SHA256.HashData("logging test secret"u8);

    private static CancellationToken Timeout(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task ConnectionLines_CarryIdAndIdentity_AndNoCredentialIsLogged()
    {
        using var logs = new ScopeCapturingLoggerProvider { ClosedLinesWanted = 2 };
        string token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://issuer.test",
            Audience = "marketfeed",
            Expires = DateTime.UtcNow.AddHours(1),
            Claims = new Dictionary<string, object> { ["sub"] = "bob" },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(HmacSecret), SecurityAlgorithms.HmacSha256),
        });
        var ct = Timeout();
        await using (var server = await FeedServer.StartWithAsync(
            b => b.Logging.AddProvider(logs),
            "--rate", "2000",
            // Everything a verbose operator could turn on, including ASP.NET Core's request lines.
            "--Logging:LogLevel:Default=Debug", "--Logging:LogLevel:Microsoft.AspNetCore=Debug", "--Logging:LogLevel:MarketFeed.Connection=Debug",
            "--Auth:Enabled=true",
            "--Auth:ApiKeys:0:Name=alice", "--Auth:ApiKeys:0:Sha256=" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(AliceKey))),
            "--Auth:Jwt:Issuer=https://issuer.test", "--Auth:Jwt:Audience=marketfeed",
            "--Auth:Jwt:HmacSecrets:0=" + Convert.ToBase64String(HmacSecret)))
        {
            // alice by header: a bad control message (logged as a control error), then a close.
            await using (var alice = await RawFeedClient.ConnectAsync(server.WebSocketUri, configure: o => o.SetRequestHeader("X-Api-Key", AliceKey)))
            {
                await alice.SendTextAsync("{\"op\":\"subscribe\",\"id\":1,\"symbols\":\"AAPL\"}", ct);
                await alice.ReceiveUntilAsync(m => m is ErrorMessage, ct);
            }

            // bob's token in the query string (the browser way), which ASP.NET Core's request log would show.
            var bobUri = new Uri(server.WebSocketUri + "?access_token=" + token);
            await using (var bob = await RawFeedClient.ConnectAsync(bobUri))
            {
                await bob.SendTextAsync("{\"op\":\"ping\",\"id\":2}", ct);
                await bob.ReceiveUntilAsync(m => m is PongMessage, ct);
            }

            // A refused key, by header and in the query.
            using var refused = new ClientWebSocket();
            refused.Options.SetRequestHeader("X-Api-Key", WrongKey);
            await Assert.ThrowsAsync<WebSocketException>(() => refused.ConnectAsync(server.WebSocketUri, ct));
            using var http = new HttpClient { BaseAddress = server.BaseUri };
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/metrics?access_token=" + WrongKey, ct)).StatusCode);

            await logs.WhenClosedAsync.WaitAsync(ct);
        }

        var connectionLines = logs.Entries.Where(e => e.Category == "MarketFeed.Connection").ToList();
        Assert.Contains(connectionLines, e => e.Id.Id == 13); // the control error
        foreach (var e in connectionLines)
        {
            Assert.True(e.Scope.TryGetValue("ConnectionId", out object? id) && id is string { Length: > 0 }, "no ConnectionId: " + e.All);
            Assert.True(e.Scope.TryGetValue("Identity", out object? who) && who is "alice" or "bob", "no Identity: " + e.All);
            Assert.True(e.Scope.TryGetValue("Auth", out object? auth) && auth is "api-key" or "jwt", "no Auth: " + e.All);
        }

        Assert.Equal(["alice", "bob"], connectionLines.Where(e => e.Id.Id == 11).Select(e => (string)e.Scope["Identity"]!).Order());
        Assert.True(logs.Entries.Count > connectionLines.Count, "the framework's own lines were not captured: the secret check would prove nothing");
        foreach (var e in logs.Entries)
        {
            foreach (string secret in new[] { AliceKey, WrongKey, token, token[..40] })
            {
                Assert.False(e.All.Contains(secret, StringComparison.Ordinal), $"a credential was logged: {e.Category} {e.Id}: {e.All}");
            }
        }
    }
}
