using MarketFeed.Core;
using MarketFeed.Gateway.Hosting;
using MarketFeed.Protocol;

namespace MarketFeed.IntegrationTests;

/// <summary>Resume on subscribe over a real socket: epoch in the welcome, exact missed ticks, the recovered flags.</summary>
public sealed class ResumeEndToEndTests
{
    private static CancellationToken Timeout(int seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task FullMode_ForceClosedMidStreamAt50kTicksPerSecond_ResumeGetsExactlyTheMissedTicksThenLive()
    {
        await using var server = await FeedServer.StartAsync("--rate", "50000");
        string[] symbols = [.. server.Get<FeedRuntime>().Universe.Symbols.Take(20).Select(s => s.Name)];
        var ct = Timeout();

        // First connection: snapshot baselines, then gap-free ticks, until it is cut mid-stream.
        var last = new Dictionary<int, long>();
        long epoch;
        await using (var first = await RawFeedClient.ConnectAsync(server.WebSocketUri))
        {
            epoch = WelcomeEpoch(await first.ReceiveUntilAsync(_ => true, ct));
            await first.SendAsync(RawFeedClient.Subscribe(1, DeliveryMode.Full, symbols), ct);
            long updates = 0;
            await first.ReceiveUntilAsync(
                m =>
                {
                    switch (m)
                    {
                        case SnapshotMessage s:
                            last[s.State.SymbolId] = s.State.Sequence;
                            break;
                        case QuoteMessage or TradeMessage:
                            (int id, long seq) = Key(m);
                            Assert.Equal(last[id] + 1, seq);
                            last[id] = seq;
                            updates++;
                            break;
                    }

                    return updates >= 20_000;
                },
                ct);
            first.Socket.Abort(); // force-close: no close handshake, ticks in flight are lost to it
        }

        long liveAtReconnect = server.Get<FeedRuntime>().Engine.GlobalSequence;
        await using var second = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        Assert.Equal(epoch, WelcomeEpoch(await second.ReceiveUntilAsync(_ => true, ct)));
        var resume = new Dictionary<string, long>();
        foreach (var (id, seq) in last)
        {
            resume[server.Get<FeedRuntime>().Universe[id].Name] = seq;
        }

        await second.SendAsync(new ControlRequest { Op = ControlRequest.Ops.Subscribe, Id = 2, Symbols = symbols, Mode = DeliveryMode.Full, Epoch = epoch, Resume = resume }, ct);
        var ack = Assert.IsType<SubscribeAckMessage>(await second.ReceiveUntilAsync(m => m is SubscribeAckMessage, ct));
        Assert.NotNull(ack.Recovered);
        Assert.All(ack.Recovered, Assert.True);
        Assert.Equal(symbols.Length, ack.Recovered.Count);

        // Exactly the ticks after what the first connection held, then live: +1 each, no snapshot.
        long resumed = 0;
        long missedAndLive = 0;
        await second.ReceiveUntilAsync(
            m =>
            {
                Assert.IsNotType<SnapshotMessage>(m);
                if (m is QuoteMessage or TradeMessage)
                {
                    (int id, long seq) = Key(m);
                    Assert.Equal(last[id] + 1, seq);
                    last[id] = seq;
                    resumed++;
                    missedAndLive = server.Get<FeedRuntime>().Engine.GlobalSequence - liveAtReconnect;
                }

                return resumed >= 20_000 && missedAndLive > 10_000;
            },
            ct);
    }

    [Fact]
    public async Task Resume_WithAnotherEpoch_IsNotRecovered_AndGetsSnapshots()
    {
        await using var server = await FeedServer.StartAsync("--rate", "5000");
        var ct = Timeout(30);
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        long epoch = WelcomeEpoch(await client.ReceiveUntilAsync(_ => true, ct));
        await client.SendAsync(new ControlRequest { Op = ControlRequest.Ops.Subscribe, Id = 3, Symbols = ["AAPL", "MSFT"], Mode = DeliveryMode.Full, Epoch = epoch + 1, Resume = new Dictionary<string, long> { ["AAPL"] = 1, ["MSFT"] = 1 }, Snapshot = false }, ct);
        var ack = Assert.IsType<SubscribeAckMessage>(await client.ReceiveUntilAsync(m => m is SubscribeAckMessage, ct));
        Assert.Equal([false, false], ack.Recovered);
        var snapshots = new HashSet<int>();
        await client.ReceiveUntilAsync(m => m is SnapshotMessage s && snapshots.Add(s.State.SymbolId) && snapshots.Count == 2, ct);
    }

    [Fact]
    public async Task Subscribe_WithoutResume_AckHasNoRecoveredField()
    {
        await using var server = await FeedServer.StartAsync("--rate", "1000");
        var ct = Timeout(30);
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        Assert.True(WelcomeEpoch(await client.ReceiveUntilAsync(_ => true, ct)) > 0);
        await client.SendAsync(RawFeedClient.Subscribe(4, DeliveryMode.Conflated, "AAPL"), ct);
        var ack = Assert.IsType<SubscribeAckMessage>(await client.ReceiveUntilAsync(m => m is SubscribeAckMessage, ct));
        Assert.Null(ack.Recovered);
    }

    [Fact]
    public async Task Restart_WithoutRecording_ChangesTheEpoch_SoAnOldResumeIsNotRecovered()
    {
        var ct = Timeout(30);
        long oldEpoch;
        await using (var before = await FeedServer.StartAsync("--rate", "1000"))
        {
            await using var client = await RawFeedClient.ConnectAsync(before.WebSocketUri);
            oldEpoch = WelcomeEpoch(await client.ReceiveUntilAsync(_ => true, ct));
        }

        await using var after = await FeedServer.StartAsync("--rate", "1000");
        await using var again = await RawFeedClient.ConnectAsync(after.WebSocketUri);
        long newEpoch = WelcomeEpoch(await again.ReceiveUntilAsync(_ => true, ct));
        Assert.NotEqual(oldEpoch, newEpoch);
        await again.SendAsync(new ControlRequest { Op = ControlRequest.Ops.Subscribe, Id = 5, Symbols = ["AAPL"], Mode = DeliveryMode.Full, Epoch = oldEpoch, Resume = new Dictionary<string, long> { ["AAPL"] = 0 } }, ct);
        var ack = Assert.IsType<SubscribeAckMessage>(await again.ReceiveUntilAsync(m => m is SubscribeAckMessage, ct));
        Assert.Equal([false], ack.Recovered);
        Assert.IsType<SnapshotMessage>(await again.ReceiveUntilAsync(m => m is SnapshotMessage, ct));
    }

    private static long WelcomeEpoch(ServerMessage? message)
    {
        var welcome = Assert.IsType<StatusMessage>(message);
        Assert.Equal("welcome", welcome.State);
        return Assert.IsType<long>(welcome.Details["epoch"]);
    }

    private static (int Id, long Seq) Key(ServerMessage m) => m switch
    {
        QuoteMessage q => (q.SymbolId, q.Sequence),
        TradeMessage t => (t.SymbolId, t.Sequence),
        _ => throw new InvalidOperationException(),
    };
}
