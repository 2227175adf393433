using System.Net.WebSockets;
using MarketFeed.Core;
using MarketFeed.Protocol;

namespace MarketFeed.IntegrationTests;

/// <summary>Issue 13 part 9: permessage-deflate is negotiated only when enabled and offered, and the data arrives intact.</summary>
public sealed class CompressionTests
{
    private static CancellationToken Timeout(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private static void OfferDeflate(ClientWebSocketOptions o)
    {
        o.CollectHttpResponseDetails = true;
        o.DangerousDeflateOptions = new WebSocketDeflateOptions();
    }

    private static string? Extensions(RawFeedClient client) =>
        client.Socket.HttpResponseHeaders is { } h && h.TryGetValue("Sec-WebSocket-Extensions", out var v) ? string.Join(",", v) : null;

    [Fact]
    public async Task Enabled_AndOffered_Negotiates_AndFullModeArrivesIntact()
    {
        await using var server = await FeedServer.StartAsync("--rate", "5000", "--Feed:Compression=true");
        var ct = Timeout();
        await using var deflating = await RawFeedClient.ConnectAsync(server.WebSocketUri, configure: OfferDeflate);
        await using var plain = await RawFeedClient.ConnectAsync(server.WebSocketUri, configure: o => o.CollectHttpResponseDetails = true);
        Assert.Contains("permessage-deflate", Extensions(deflating), StringComparison.Ordinal);
        Assert.Null(Extensions(plain)); // not offered, not used

        // Both read the same full-mode stream: gap-free, and every update both saw is identical.
        await deflating.SendAsync(RawFeedClient.Subscribe(1, DeliveryMode.Full, "AAPL", "MSFT", "NVDA"), ct);
        await plain.SendAsync(RawFeedClient.Subscribe(1, DeliveryMode.Full, "AAPL", "MSFT", "NVDA"), ct);
        var compressedRead = ReadUpdatesAsync(deflating, 1500, ct);
        var plainRead = ReadUpdatesAsync(plain, 1500, ct);
        var (compressedSeen, compressedCheck) = await compressedRead;
        var (plainSeen, plainCheck) = await plainRead;
        Assert.Null(compressedCheck.FirstGap);
        Assert.Null(plainCheck.FirstGap);

        var byKey = plainSeen.ToDictionary(Key);
        int common = 0;
        foreach (ServerMessage m in compressedSeen)
        {
            if (byKey.TryGetValue(Key(m), out ServerMessage? other))
            {
                Assert.Equal(other, m);
                common++;
            }
        }

        Assert.True(common >= 500, $"only {common} updates in common");
    }

    [Fact]
    public async Task Disabled_ByDefault_AnOfferIsDeclined()
    {
        await using var server = await FeedServer.StartAsync("--rate", "2000");
        var ct = Timeout();
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri, configure: OfferDeflate);
        Assert.Null(Extensions(client));
        await client.SendAsync(RawFeedClient.Subscribe(1, DeliveryMode.Full, "AAPL"), ct);
        var (_, check) = await ReadUpdatesAsync(client, 50, ct);
        Assert.Null(check.FirstGap);
    }

    private static (int, long, MessageKind) Key(ServerMessage m) => m switch
    {
        QuoteMessage q => (q.SymbolId, q.Sequence, m.Kind),
        TradeMessage t => (t.SymbolId, t.Sequence, m.Kind),
        _ => throw new InvalidOperationException(m.ToString()),
    };

    private static async Task<(List<ServerMessage> Updates, SequenceChecker Check)> ReadUpdatesAsync(RawFeedClient client, int count, CancellationToken ct)
    {
        var check = new SequenceChecker();
        var updates = new List<ServerMessage>();
        await client.ReceiveUntilAsync(
            m =>
            {
                check.Observe(m);
                if (m is QuoteMessage or TradeMessage)
                {
                    updates.Add(m);
                }

                return updates.Count >= count;
            },
            ct);
        return (updates, check);
    }
}
