using System.Net;
using System.Net.WebSockets;
using MarketFeed.Core;
using MarketFeed.Protocol;

namespace MarketFeed.IntegrationTests;

/// <summary>Server-wide limits (docs/operations.md): connections and replay sessions.</summary>
public sealed class ConnectionLimitsTests(ReplayDataFixture data) : IClassFixture<ReplayDataFixture>
{
    private static CancellationToken Timeout(int seconds = 120) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task MaxConnections_FurtherUpgradesGet503_HeldConnectionsCarryOn()
    {
        await using var server = await FeedServer.StartAsync("--Feed:MaxConnections=2");
        var ct = Timeout();
        await using var first = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        await using var second = await RawFeedClient.ConnectAsync(server.WebSocketUri);

        // Both are registered once their welcome has been sent.
        Assert.NotNull(await first.ReceiveUntilAsync(m => m is StatusMessage { State: "welcome" }, ct));
        Assert.NotNull(await second.ReceiveUntilAsync(m => m is StatusMessage { State: "welcome" }, ct));

        using var third = new ClientWebSocket();
        third.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => third.ConnectAsync(server.WebSocketUri, ct));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, third.HttpStatusCode);

        await first.SendTextAsync("""{"op":"ping","id":1}""", ct);
        Assert.NotNull(await first.ReceiveUntilAsync(m => m is PongMessage, ct));
    }

    [Fact]
    public async Task SecondReplayOnOneConnection_Gets409_UntilTheFirstEnds()
    {
        await using var server = await FeedServer.StartAsync("--Replay:DataDirectory=" + data.DataDirectory);
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        var ct = Timeout();

        // Real-time speed: the first replay is still running when the second request arrives.
        await client.SendTextAsync("""{"op":"replay","id":1,"dataset":"ibm-20131007","speed":1}""", ct);
        var start = Assert.IsType<ReplayStartMessage>(await client.ReceiveUntilAsync(m => m is ReplayStartMessage, ct));
        await client.SendTextAsync("""{"op":"replay","id":2,"dataset":"btcusdt-tardis","speed":"max"}""", ct);
        var conflict = Assert.IsType<ErrorMessage>(await client.ReceiveUntilAsync(m => m is ErrorMessage, ct));
        Assert.Equal((2L, 409), (conflict.RequestId, conflict.Code));

        await client.SendTextAsync("{\"op\":\"replay.stop\",\"id\":3,\"replayId\":" + start.ReplayId + "}", ct);
        Assert.NotNull(await client.ReceiveUntilAsync(m => m is ReplayEndMessage { RequestId: 3 }, ct));

        // Once the first has ended, the same request is accepted.
        await client.SendTextAsync("""{"op":"replay","id":4,"dataset":"btcusdt-tardis","speed":"max"}""", ct);
        var seen = new List<ServerMessage>();
        var end = Assert.IsType<ReplayEndMessage>(await client.ReceiveUntilAsync(m => m is ReplayEndMessage, ct, seen));
        Assert.Equal((4L, "completed"), (end.RequestId, end.Reason));
        Assert.DoesNotContain(seen, m => m is ErrorMessage);
    }

    [Fact]
    public async Task ReplayMaxSessions_FurtherReplaysGet422_OnOtherConnections()
    {
        await using var server = await FeedServer.StartAsync("--Replay:DataDirectory=" + data.DataDirectory, "--Replay:MaxSessions=1");
        await using var first = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        await using var second = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        var ct = Timeout();
        await first.SendTextAsync("""{"op":"replay","id":1,"dataset":"ibm-20131007","speed":1}""", ct);
        var start = Assert.IsType<ReplayStartMessage>(await first.ReceiveUntilAsync(m => m is ReplayStartMessage, ct));

        await second.SendTextAsync("""{"op":"replay","id":7,"dataset":"ibm-20131007","speed":1}""", ct);
        var refused = Assert.IsType<ErrorMessage>(await second.ReceiveUntilAsync(m => m is ErrorMessage or ReplayStartMessage, ct));
        Assert.Equal((7L, 422, "limit_exceeded"), (refused.RequestId, refused.Code, refused.CodeName));

        await first.SendTextAsync("{\"op\":\"replay.stop\",\"id\":2,\"replayId\":" + start.ReplayId + "}", ct);
        Assert.NotNull(await first.ReceiveUntilAsync(m => m is ReplayEndMessage, ct));
        await second.SendTextAsync("""{"op":"replay","id":8,"dataset":"btcusdt-tardis","speed":"max"}""", ct);
        Assert.IsType<ReplayStartMessage>(await second.ReceiveUntilAsync(m => m is ReplayStartMessage or ErrorMessage, ct));
    }

    [Fact]
    public async Task MixedModesAndLivePlusReplay_OnOneConnection_EachStreamKeepsItsContract()
    {
        await using var server = await FeedServer.StartAsync("--rate", "20000", "--Replay:DataDirectory=" + data.DataDirectory);
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        var ct = Timeout(180);
        await client.SendAsync(RawFeedClient.Subscribe(1, DeliveryMode.Full, "AAPL", "MSFT"), ct);
        await client.SendAsync(RawFeedClient.Subscribe(2, DeliveryMode.Conflated, "NVDA", "AMZN"), ct);
        await client.SendAsync(new ControlRequest { Op = "replay", Id = 3, Dataset = "ibm-20131007", Speed = double.PositiveInfinity, Mode = DeliveryMode.Full }, ct);

        var acks = new Dictionary<long, SubscribeAckMessage>();
        ReplayStartMessage? start = null;
        var full = new SequenceChecker();
        var replay = new SequenceChecker();
        var lastConflated = new Dictionary<int, long>();
        int conflatedUpdates = 0;
        var end = await client.ReceiveUntilAsync(
            m =>
            {
                switch (m)
                {
                    case SubscribeAckMessage a:
                        acks[a.RequestId] = a;
                        break;
                    case ReplayStartMessage s:
                        start = s;
                        break;
                    case SnapshotMessage or QuoteMessage or TradeMessage:
                        int id = m switch { SnapshotMessage s => s.State.SymbolId, QuoteMessage q => q.SymbolId, _ => ((TradeMessage)m).SymbolId };
                        long seq = m switch { SnapshotMessage s => s.State.Sequence, QuoteMessage q => q.Sequence, _ => ((TradeMessage)m).Sequence };
                        if (id >= 1 << 20)
                        {
                            replay.Observe(m); // replay ids: full mode, gap-free from its snapshot
                        }
                        else if (acks.TryGetValue(1, out var fullAck) && fullAck.Symbols.Any(s => s.SymbolId == id))
                        {
                            full.Observe(m);
                        }
                        else
                        {
                            // Conflated: never backwards, jumps allowed.
                            Assert.True(seq >= lastConflated.GetValueOrDefault(id), $"conflated symbol {id} went back to {seq}");
                            lastConflated[id] = seq;
                            if (m is not SnapshotMessage)
                            {
                                conflatedUpdates++;
                            }
                        }

                        break;
                }

                return m is ReplayEndMessage;
            },
            ct);

        var replayEnd = Assert.IsType<ReplayEndMessage>(end);
        Assert.Equal("completed", replayEnd.Reason);
        Assert.NotNull(start);
        Assert.Equal(DeliveryMode.Full, acks[1].Mode);
        Assert.Equal(DeliveryMode.Conflated, acks[2].Mode);
        Assert.Null(full.FirstGap);
        Assert.Null(replay.FirstGap);
        Assert.Equal(replayEnd.TicksSent, replay.Updates);
        Assert.True(full.Updates > 0 && conflatedUpdates > 0, $"live streams starved: full {full.Updates}, conflated {conflatedUpdates}");
        Assert.Equal(2, lastConflated.Count);

        // Live carries on after the replay ended.
        long before = full.Updates;
        var fullIds = acks[1].Symbols.Select(s => s.SymbolId).ToHashSet();
        Assert.NotNull(await client.ReceiveUntilAsync(
            m =>
            {
                if (m is QuoteMessage { SymbolId: var q } && fullIds.Contains(q) || m is TradeMessage { SymbolId: var t } && fullIds.Contains(t))
                {
                    full.Observe(m);
                }

                return full.Updates > before + 100 || full.FirstGap is not null;
            },
            ct));
        Assert.Null(full.FirstGap);
    }
}
