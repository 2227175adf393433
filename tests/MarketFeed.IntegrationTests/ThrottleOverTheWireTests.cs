using System.Diagnostics;
using MarketFeed.Core;
using MarketFeed.Protocol;

namespace MarketFeed.IntegrationTests;

/// <summary>
/// docs/protocol.md section 7: a throttle of N caps a symbol at N updates per second, an update being
/// the symbol's latest quote and/or latest trade sent together. Measured over a real socket.
/// </summary>
public sealed class ThrottleOverTheWireTests
{
    [Fact]
    public async Task Throttle_CapsUpdatesPerSymbolPerSecond_EachUpdateAtMostOneQuoteAndOneTrade()
    {
        const int throttle = 4;
        const double windowSeconds = 3;

        // 20k ticks/s over the universe: the hot symbols tick hundreds of times a second, so an
        // unthrottled (or mis-throttled) subscription would show many times the cap.
        await using var server = await FeedServer.StartAsync("--rate", "20000");
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ct = cts.Token;
        await client.SendAsync(new ControlRequest { Op = "subscribe", Id = 1, Symbols = ["AAPL", "MSFT"], Mode = DeliveryMode.Conflated, Throttle = throttle }, ct);


        // Per frame: which symbols got an update (a symbol's messages in one frame are one update).
        var updates = new Dictionary<int, int>();
        var quotes = new Dictionary<int, int>();
        var trades = new Dictionary<int, int>();
        var snapshots = new HashSet<int>();
        Stopwatch? window = null;
        while (window is null || window.Elapsed.TotalSeconds < windowSeconds)
        {
            var frame = await client.ReceiveFrameAsync(ct);
            Assert.NotNull(frame);
            var inFrame = new Dictionary<int, (int Quotes, int Trades)>();
            foreach (var m in frame)
            {
                switch (m)
                {
                    case SubscribeAckMessage a:
                        Assert.Equal(throttle, a.Throttle);
                        break;
                    case SnapshotMessage s:
                        snapshots.Add(s.State.SymbolId);
                        break;
                    case QuoteMessage q:
                        inFrame[q.SymbolId] = (inFrame.GetValueOrDefault(q.SymbolId).Quotes + 1, inFrame.GetValueOrDefault(q.SymbolId).Trades);
                        break;
                    case TradeMessage t:
                        inFrame[t.SymbolId] = (inFrame.GetValueOrDefault(t.SymbolId).Quotes, inFrame.GetValueOrDefault(t.SymbolId).Trades + 1);
                        break;
                }
            }

            // The window starts with the first update after both snapshots (the snapshot is an update too).
            if (window is null)
            {
                if (snapshots.Count == 2 && inFrame.Count > 0)
                {
                    window = Stopwatch.StartNew();
                }
                else
                {
                    continue;
                }
            }

            foreach (var (symbolId, (q, t)) in inFrame)
            {
                Assert.True(q <= 1 && t <= 1, $"symbol {symbolId}: {q} quotes and {t} trades in one update");
                updates[symbolId] = updates.GetValueOrDefault(symbolId) + 1;
                quotes[symbolId] = quotes.GetValueOrDefault(symbolId) + q;
                trades[symbolId] = trades.GetValueOrDefault(symbolId) + t;
            }
        }

        double seconds = window.Elapsed.TotalSeconds;
        Assert.Equal(2, updates.Count);
        foreach (var (symbolId, count) in updates)
        {
            // At most one update per 1/throttle s of server time; +2 for the updates at the window's
            // edges and for a frame delayed on a loaded machine and received next to the following one.
            Assert.InRange(count, (int)(throttle * seconds / 2), (int)(throttle * seconds) + 2);
            Assert.True(quotes[symbolId] + trades[symbolId] > count, $"symbol {symbolId}: no update carried both a quote and a trade");
        }
    }
}
