using MarketFeed.Client;
using MarketFeed.Core;
using MarketFeed.Protocol;

namespace MarketFeed.IntegrationTests;

/// <summary>Live bar updates on subscriptions and replays (docs/protocol.md 4.12) over a real WebSocket, with the .NET client.</summary>
public sealed class BarUpdatesEndToEndTests(ReplayDataFixture data) : IClassFixture<ReplayDataFixture>
{
    private static readonly long Second = UnixTime.NanosPerSecond;

    [Fact]
    public async Task FullSubscriptionWithBars_ClosedBarsEqualItsTrades_AndEveryUpdateIncludesTheTradesBeforeIt()
    {
        await using var server = await FeedServer.StartAsync("--rate", "20000");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var client = new MarketFeedClient(new MarketFeedClientOptions { Uri = server.WebSocketUri, OverflowPolicy = MessageOverflowPolicy.Wait });
        await client.ConnectAsync(cts.Token);
        var ack = await client.SubscribeAsync(["AAPL"], DeliveryMode.Full, 0, ["1s"], cts.Token);
        int id = ack.Symbols[0].SymbolId;

        var trades = new List<TradeMessage>();
        var closed = new List<BarEntry>();
        int updates = 0;
        await foreach (ServerMessage m in client.ReadAllAsync(cts.Token))
        {
            if (m is TradeMessage t && t.SymbolId == id)
            {
                trades.Add(t);
            }
            else if (m is BarUpdateMessage u)
            {
                Assert.Equal((id, "1s"), (u.SymbolId, u.Interval));
                updates++;
                BarEntry bar = u.Bar;
                if (bar.Closed)
                {
                    closed.Add(bar);
                }
                else
                {
                    // Sent after the ticks of its frame: it includes every trade of its second received so far.
                    int seen = trades.Count(x => x.Timestamp / Second == bar.Start / Second);
                    Assert.True(bar.Count >= seen, $"bar {bar.Start} counts {bar.Count} trades, {seen} already received");
                }

            }

            // Enough closed seconds, and every trade of the last one received: in full mode a closed bar
            // can run ahead of its ticks (protocol 4.12), so wait for a trade of a later second.
            if (closed.Count(b => b.Start / Second > (trades.Count > 0 ? trades[0].Timestamp / Second : long.MaxValue)) >= 3
                && trades[^1].Timestamp / Second > closed[^1].Start / Second)
            {
                break;
            }
        }

        // Every closed bar of a second wholly inside the subscription equals its trades, exactly.
        long firstWhole = (trades[0].Timestamp / Second) + 1;
        var whole = closed.Where(b => b.Start / Second >= firstWhole).ToList();
        Assert.True(whole.Count >= 2, $"{whole.Count} whole closed seconds");
        foreach (BarEntry bar in whole)
        {
            var inBar = trades.Where(t => t.Timestamp / Second == bar.Start / Second).ToList();
            Assert.Equal((inBar.Sum(t => t.Size), (long)inBar.Count), (bar.Volume, bar.Count));
            Assert.Equal((inBar[0].Price, inBar.Max(t => t.Price), inBar.Min(t => t.Price), inBar[^1].Price), (bar.Open, bar.High, bar.Low, bar.Close));
        }

        // Consecutive closed seconds: no closing was skipped in full mode while trades kept coming.
        for (int i = 1; i < whole.Count; i++)
        {
            Assert.True(whole[i].Start > whole[i - 1].Start);
        }

        Assert.True(updates > closed.Count, "open-bar updates arrive between closings");
    }

    [Fact]
    public async Task BadBars_Get400AndSubscribeNothing_ResubscribeWithoutBarsStopsThem()
    {
        await using var server = await FeedServer.StartAsync("--rate", "20000");
        await using var raw = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = cts.Token;

        async Task<ServerMessage> ReplyTo(string json, long id)
        {
            await raw.SendTextAsync(json, ct);
            return (await raw.ReceiveUntilAsync(m => (m is ErrorMessage e && e.RequestId == id) || (m is SubscribeAckMessage a && a.RequestId == id), ct))!;
        }

        foreach (var (json, id) in new[]
        {
            ("""{"op":"subscribe","id":21,"symbols":["AAPL"],"bars":["7x"]}""", 21L),
            ("""{"op":"subscribe","id":22,"symbols":["AAPL"],"bars":["1h"]}""", 22L), // not kept live
            ("""{"op":"subscribe","id":23,"symbols":["AAPL"],"bars":"1m"}""", 23L),
            ("""{"op":"subscribe","id":24,"symbols":["AAPL"],"bars":[1]}""", 24L),
            ("""{"op":"subscribe","id":27,"symbols":["AAPL"],"bars":["1s","1s","1s","1s","1s","1s","1s","1s","1s"]}""", 27L),
        })
        {
            var error = Assert.IsType<ErrorMessage>(await ReplyTo(json, id));
            Assert.Equal(400, (int)error.Code);
        }

        // With bars: updates come; then the same symbol resubscribed without bars: they stop.
        Assert.IsType<SubscribeAckMessage>(await ReplyTo("""{"op":"subscribe","id":25,"symbols":["AAPL"],"bars":["1s","1m"]}""", 25));
        var seen = new HashSet<string>();
        await raw.ReceiveUntilAsync(m => m is BarUpdateMessage u && seen.Add(u.Interval) && seen.Count == 2, ct);
        Assert.IsType<SubscribeAckMessage>(await ReplyTo("""{"op":"subscribe","id":26,"symbols":["AAPL"]}""", 26));
        var after = new List<ServerMessage>();
        await raw.ReceiveUntilAsync(m => after.Count(x => x is QuoteMessage or TradeMessage) >= 2000, ct, after);
        int snapshotAt = after.FindIndex(m => m is SnapshotMessage);
        Assert.DoesNotContain(after.Skip(snapshotAt + 1), m => m is BarUpdateMessage);
    }

    [Fact]
    public async Task ReplayWithBars_UpdatesAreComputedAsTheDatasetBars_AndEndOnTheDaysLastBar()
    {
        await using var server = await FeedServer.StartAsync("--Replay:DataDirectory=" + data.DataDirectory);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var client = new MarketFeedClient(new MarketFeedClientOptions { Uri = server.WebSocketUri, OverflowPolicy = MessageOverflowPolicy.Wait });
        await client.ConnectAsync(cts.Token);
        BarsMessage day = await client.GetBarsAsync("IBM", "1m", dataset: "ibm-20131007", cancellationToken: cts.Token);
        var byStart = day.Bars.ToDictionary(b => b.Start);

        var start = await client.ReplayAsync(new ReplayRequest("ibm-20131007") { Speed = double.PositiveInfinity, Mode = DeliveryMode.Full, Bars = ["1m"] }, cts.Token);
        int id = start.Symbols[0].SymbolId;
        var updates = new List<BarUpdateMessage>();
        await foreach (ServerMessage m in client.ReadAllAsync(cts.Token))
        {
            if (m is BarUpdateMessage u)
            {
                Assert.Equal((id, "1m"), (u.SymbolId, u.Interval));
                updates.Add(u);
            }
            else if (m is ReplayEndMessage end)
            {
                Assert.Equal("completed", end.Reason);
                break;
            }
        }

        // Each closed update is the dataset's bar of that minute, exactly; closings come in time order.
        var closedBars = updates.Where(u => u.Bar.Closed).Select(u => u.Bar).ToList();
        Assert.True(closedBars.Count >= 10, $"{closedBars.Count} closed bars");
        foreach (BarEntry bar in closedBars)
        {
            Assert.Equal(byStart[bar.Start] with { Closed = true }, bar);
        }

        Assert.Equal(closedBars.Select(b => b.Start).Order(), closedBars.Select(b => b.Start));

        // The last update is the day's last bar in its final state.
        Assert.Equal(day.Bars[^1] with { Closed = false }, updates[^1].Bar);
    }
}
