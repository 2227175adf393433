using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MarketFeed.Core;
using MarketFeed.Gateway.Connections;
using MarketFeed.Protocol;

namespace MarketFeed.IntegrationTests;

/// <summary>Issue 13 part 10: /healthz, /readyz and the authenticated admin listing of connections.</summary>
public sealed class AdminAndProbeTests
{
    private const string AliceKey = "alice-admin-test-key-01";
    private const string OpsKey = "ops-admin-test-key-02";

    private static CancellationToken Timeout(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private static string Sha256Hex(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private static HttpRequestMessage Get(string path, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        return request;
    }

    [Fact]
    public async Task Healthz_IsAlive_Readyz_IsReady_UntilShutdownBegins()
    {
        await using var server = await FeedServer.StartAsync("--rate", "1000", "--Auth:Enabled=true", "--Auth:ApiKeys:0:Name=alice", "--Auth:ApiKeys:0:Sha256=" + Sha256Hex(AliceKey));
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        var ct = Timeout();

        // Public even with auth on (no credential sent).
        var live = await http.GetAsync("/healthz", ct);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("alive", JsonDocument.Parse(await live.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("status").GetString());

        var ready = await http.GetAsync("/readyz", ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using (var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync(ct)))
        {
            Assert.Equal("ready", body.RootElement.GetProperty("status").GetString());
            Assert.Equal("running", body.RootElement.GetProperty("source").GetString());
            Assert.Equal("off", body.RootElement.GetProperty("recorder").GetString());
        }

        // /health keeps its shape.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health", ct)).StatusCode);

        // Draining: not ready any more (take it out of the load balancer), still alive.
        server.Get<ConnectionRegistry>().CloseAll();
        var draining = await http.GetAsync("/readyz", ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, draining.StatusCode);
        using (var body = JsonDocument.Parse(await draining.Content.ReadAsStringAsync(ct)))
        {
            Assert.Equal("not_ready", body.RootElement.GetProperty("status").GetString());
            Assert.Equal(["shutdown"], body.RootElement.GetProperty("failing").EnumerateArray().Select(e => e.GetString()));
        }

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz", ct)).StatusCode);
    }

    [Fact]
    public async Task AdminConnections_NeedsAnAdminCredential_AndListsEveryConnection()
    {
        await using var server = await FeedServer.StartAsync(
            "--rate", "2000",
            "--Auth:Enabled=true",
            "--Auth:ApiKeys:0:Name=alice", "--Auth:ApiKeys:0:Sha256=" + Sha256Hex(AliceKey),
            "--Auth:ApiKeys:1:Name=ops", "--Auth:ApiKeys:1:Sha256=" + Sha256Hex(OpsKey), "--Auth:ApiKeys:1:Profile=ops",
            "--Auth:Profiles:ops:Admin=true");
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        var ct = Timeout();

        await using var alice = await RawFeedClient.ConnectAsync(server.WebSocketUri, configure: o => o.SetRequestHeader("X-Api-Key", AliceKey));
        await alice.SendAsync(RawFeedClient.Subscribe(1, DeliveryMode.Conflated, "AAPL", "MSFT"), ct);
        await alice.SendAsync(RawFeedClient.Subscribe(2, DeliveryMode.Full, "NVDA"), ct);
        await alice.ReceiveUntilAsync(m => m is SubscribeAckMessage { RequestId: 2 }, ct);

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(null));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync("not-a-key"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(AliceKey));

        using var request = Get("/api/admin/connections", OpsKey);
        var ok = await http.SendAsync(request, ct);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using var list = JsonDocument.Parse(await ok.Content.ReadAsStringAsync(ct));
        var entry = Assert.Single(list.RootElement.EnumerateArray());
        Assert.Equal("alice", entry.GetProperty("identity").GetString());
        Assert.Equal("api-key", entry.GetProperty("auth").GetString());
        Assert.Equal("127.0.0.1", entry.GetProperty("remoteAddress").GetString());
        Assert.StartsWith("c", entry.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("mixed", entry.GetProperty("mode").GetString());
        var subscriptions = entry.GetProperty("subscriptions").EnumerateArray()
            .Select(s => (s.GetProperty("symbol").GetString(), s.GetProperty("mode").GetString())).OrderBy(s => s.Item1).ToList();
        Assert.Equal([("AAPL", "conflated"), ("MSFT", "conflated"), ("NVDA", "full")], subscriptions);
        Assert.True(entry.GetProperty("journalLag").GetInt64() >= 0);
        Assert.True(entry.GetProperty("sendQueueBytes").GetInt64() >= 0);

        async Task<HttpStatusCode> StatusAsync(string? key)
        {
            using var r = Get("/api/admin/connections", key);
            return (await http.SendAsync(r, ct)).StatusCode;
        }
    }
}
