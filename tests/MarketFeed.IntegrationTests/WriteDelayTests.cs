using MarketFeed.Core;
using MarketFeed.Engine;
using MarketFeed.Gateway.Hosting;
using MarketFeed.Protocol;
using Microsoft.Extensions.Time.Testing;

namespace MarketFeed.IntegrationTests;

/// <summary>
/// Feed:WriteDelayMs over a real socket (docs/operations.md): market data published within one
/// period goes out in one frame when the flush clock ticks; replies are never delayed.
/// </summary>
public sealed class WriteDelayTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(50);

    [Theory]
    [InlineData(DeliveryMode.Conflated)]
    [InlineData(DeliveryMode.Full)]
    public async Task UpdatesPublishedWithinOnePeriod_GoOutTogetherOnTheClocksTick_RepliesAtOnce(DeliveryMode mode)
    {
        // Fake time: the flush clock ticks only when the test advances it (no source, no heartbeats).
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await FeedServer.StartAsync(time, "--Feed:Source=none", "--Feed:WriteDelayMs=50", "--Feed:HeartbeatIntervalMs=60000", "--Feed:PingIntervalMs=0");
        FeedRuntime runtime = server.Get<FeedRuntime>();
        FlushClock clock = runtime.FlushClock ?? throw new InvalidOperationException("no flush clock with WriteDelayMs=50");
        Assert.True(runtime.Universe.TryGet("AAPL", out SymbolInfo aapl));
        Assert.True(runtime.Universe.TryGet("MSFT", out SymbolInfo msft));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri, ct: cts.Token);

        // The ack and the snapshots come without the clock moving: replies are not delayed.
        await client.SendAsync(RawFeedClient.Subscribe(1, mode, "AAPL", "MSFT"), cts.Token);
        var snapshots = new HashSet<int>();
        await client.ReceiveUntilAsync(m => m is SnapshotMessage s && snapshots.Add(s.State.SymbolId) && snapshots.Count == 2, cts.Token);

        Assert.Equal(0, clock.PendingCount); // the subscribe's snapshots are replies: never deferred

        // An update that finds the sender parked defers it to the clock. The sender may still be
        // finishing its last round when the first one lands (it then sends it at once): publish
        // until one is deferred, taking any frame that went out meanwhile.
        Task<List<ServerMessage>?> next = client.ReceiveFrameAsync(cts.Token);
        long price = 1_000_000;
        for (int attempt = 0; clock.PendingCount == 0; attempt++)
        {
            Assert.True(attempt < 20, "no update was deferred to the flush clock in 20 attempts");
            Tick q1 = Tick.NewQuote(aapl.Id, 1, ++price, 100, price + 100, 100);
            runtime.Engine.Publish(ref q1);
            SpinWait.SpinUntil(() => clock.PendingCount == 1 || next.IsCompleted, TimeSpan.FromSeconds(5));
            if (clock.PendingCount == 0 && next.IsCompleted)
            {
                await next; // sent at once: the sender was not parked yet
                next = client.ReceiveFrameAsync(cts.Token);
            }
        }

        // Two more within the same period: nothing leaves until the clock ticks, then all in one frame.
        Tick q2 = Tick.NewQuote(msft.Id, 2, 2_000_000, 100, 2_000_100, 100);
        runtime.Engine.Publish(ref q2);
        Tick t1 = Tick.NewTrade(aapl.Id, 3, 1_000_050, 10, TradeSide.Buy);
        runtime.Engine.Publish(ref t1);
        Assert.False(next.IsCompleted);
        time.Advance(Delay);
        List<ServerMessage> frame = await next ?? throw new InvalidOperationException("socket closed");
        var kinds = frame.Select(m => m switch
        {
            QuoteMessage q => $"quote {q.SymbolId}",
            TradeMessage t => $"trade {t.SymbolId}",
            _ => m.GetType().Name,
        }).Order().ToArray();
        Assert.Equal(new[] { $"quote {aapl.Id}", $"quote {msft.Id}", $"trade {aapl.Id}" }.Order().ToArray(), kinds);

        // A reply while market data waits for the clock still goes out at once (with that data).
        Tick q3 = Tick.NewQuote(aapl.Id, 4, 1_000_001, 100, 1_000_101, 100);
        runtime.Engine.Publish(ref q3);
        Assert.True(SpinWait.SpinUntil(() => clock.PendingCount == 1, TimeSpan.FromSeconds(10)), "the sender was not deferred to the flush clock");
        await client.SendAsync(new ControlRequest { Op = "unsubscribe", Id = 2, Symbols = ["MSFT"] }, cts.Token);
        await client.ReceiveUntilAsync(m => m is UnsubscribeAckMessage { RequestId: 2 }, cts.Token);
    }
}
