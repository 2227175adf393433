using System.Net.WebSockets;
using System.Text.Json;
using MarketFeed.Testing;
using MarketFeed.Core;
using MarketFeed.Protocol;
using MarketFeed.Gateway.Diagnostics;
using MarketFeed.Gateway.Hosting;

namespace MarketFeed.IntegrationTests;

/// <summary>Real Kestrel on a loopback port, real WebSocket clients.</summary>
public sealed class FeedEndToEndTests
{
    private static CancellationToken Timeout(int seconds = 20) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task Subscribe_Conflated_GetsWelcomeAckSnapshotsThenNewerUpdates()
    {
        await using var server = await FeedServer.StartAsync("--rate", "5000");
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        Assert.Equal("marketfeed.v1", client.Socket.SubProtocol);
        var ct = Timeout();

        var welcome = Assert.IsType<StatusMessage>(await client.ReceiveUntilAsync(_ => true, ct));
        Assert.Equal("welcome", welcome.State);

        await client.SendAsync(RawFeedClient.Subscribe(1, DeliveryMode.Conflated, "AAPL", "MSFT"), ct);
        var seen = new List<ServerMessage>();
        var ack = Assert.IsType<SubscribeAckMessage>(await client.ReceiveUntilAsync(m => m is SubscribeAckMessage, ct, seen));
        Assert.Equal(1, ack.RequestId);
        Assert.Equal(["AAPL", "MSFT"], ack.Symbols.Select(s => s.Symbol));
        Assert.Equal(4, ack.Symbols[0].PriceDecimals);

        var snapshots = new Dictionary<int, long>();
        var updates = new Dictionary<int, int>();
        await client.ReceiveUntilAsync(
            m =>
            {
                switch (m)
                {
                    case SnapshotMessage s:
                        snapshots[s.State.SymbolId] = s.State.Sequence;
                        break;
                    case QuoteMessage q:
                        Assert.True(snapshots.ContainsKey(q.SymbolId), "update before its snapshot");
                        Assert.True(q.Sequence > snapshots[q.SymbolId]);
                        Assert.True(q.BidPrice < q.AskPrice);
                        updates[q.SymbolId] = updates.GetValueOrDefault(q.SymbolId) + 1;
                        break;
                }

                return updates.Count == 2 && updates.Values.All(v => v >= 3);
            },
            ct);
        Assert.Equal(2, snapshots.Count);
    }

    [Fact]
    public async Task FullMode_TwoClients_ReceiveGapFreeSequences()
    {
        await using var server = await FeedServer.StartAsync("--rate", "20000");
        var ct = Timeout(30);
        var symbols = new[] { "AAPL", "MSFT", "NVDA", "AMZN", "GOOGL" };
        var clients = new List<RawFeedClient>();
        try
        {
            for (int i = 0; i < 2; i++)
            {
                var c = await RawFeedClient.ConnectAsync(server.WebSocketUri);
                await c.SendAsync(RawFeedClient.Subscribe(1, DeliveryMode.Full, symbols), ct);
                clients.Add(c);
            }

            var results = await Task.WhenAll(clients.Select(async c =>
            {
                var checker = new SequenceChecker();
                await c.ReceiveUntilAsync(
                    m =>
                    {
                        checker.Observe(m);
                        return checker.Updates >= 20_000 || checker.FirstGap is not null;
                    },
                    ct);
                return checker;
            }));

            foreach (var checker in results)
            {
                Assert.Null(checker.FirstGap);
                Assert.True(checker.Updates >= 20_000);
            }
        }
        finally
        {
            foreach (var c in clients)
            {
                await c.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task StalledClient_IsDroppedWithinTimeout_WhileAnotherClientStaysGapFree()
    {
        // The exact timing rule (timeout, rounds, server pauses not charged) is proved on a fake clock in
        // SendStallWatchTests; this test proves the wiring on a real socket: the staller goes after the
        // timeout and within seconds, the healthy full-mode reader is untouched and gap-free.
        const int timeoutMs = 3000;
        await using var server = await FeedServer.StartAsync("--rate", "20000", $"--Feed:SlowConsumerTimeoutMs={timeoutMs}", "--Feed:JournalCapacity=1048576");
        var all = server.Get<FeedRuntime>().Universe.Symbols.Select(s => s.Name).ToArray();
        var ct = Timeout(60);
        await using var stalled = await RawFeedClient.ConnectAsync(server.WebSocketUri, receiveBufferBytes: 4096);
        await using var healthy = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        await healthy.SendAsync(RawFeedClient.Subscribe(1, DeliveryMode.Full, all[..50]), ct);
        await stalled.SendAsync(RawFeedClient.Subscribe(1, DeliveryMode.Conflated, all), ct);
        var stallBegan = System.Diagnostics.Stopwatch.StartNew(); // the staller's sends cannot pend before this

        // The stalled client never reads. The healthy one reads everything, checking sequences,
        // until the server reports the stalled one dropped (and a little beyond).
        var metrics = server.Get<FeedMetrics>();
        var checker = new SequenceChecker();
        long updatesAtDrop = -1;
        TimeSpan dropSeenAfter = TimeSpan.Zero;
        await healthy.ReceiveUntilAsync(
            m =>
            {
                checker.Observe(m);
                if (updatesAtDrop < 0 && metrics.DropsStalled > 0)
                {
                    updatesAtDrop = checker.Updates;
                    dropSeenAfter = stallBegan.Elapsed;
                }

                return checker.FirstGap is not null || (updatesAtDrop >= 0 && checker.Updates > updatesAtDrop + 5000);
            },
            ct);

        Assert.Null(checker.FirstGap);
        Assert.Equal(1, metrics.DropsStalled);
        Assert.True(dropSeenAfter >= TimeSpan.FromMilliseconds(timeoutMs), $"dropped after {dropSeenAfter}, before the {timeoutMs} ms timeout");
        Assert.True(dropSeenAfter < TimeSpan.FromMilliseconds(timeoutMs) + TimeSpan.FromSeconds(7), $"dropped only after {dropSeenAfter}");
        Assert.Equal(WebSocketState.Open, healthy.Socket.State);

        // The stalled connection was cut (4002 aborts: the peer is not reading, so no close frame could
        // reach it): reading what is left ends in a reset, not a clean close and not more data forever.
        async Task DrainStalledAsync()
        {
            using var drainTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (await stalled.ReceiveFrameAsync(drainTimeout.Token) is not null)
            {
            }
        }

        await Assert.ThrowsAsync<WebSocketException>(DrainStalledAsync);
    }

    [Fact]
    public async Task FullModeOverflow_ClosesWithSlowConsumerCode_AfterGapFreeData()
    {
        await using var server = await FeedServer.StartAsync("--rate", "50000", "--Feed:JournalCapacity=256", "--Feed:SlowConsumerTimeoutMs=60000");
        var all = server.Get<FeedRuntime>().Universe.Symbols.Select(s => s.Name).ToArray();
        var engine = server.Get<FeedRuntime>().Engine;
        var ct = Timeout(60);
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri, receiveBufferBytes: 4096);
        await client.SendAsync(RawFeedClient.Subscribe(1, DeliveryMode.Full, all), ct);

        // Stop reading until the queue has overflowed (counted on the sequencer thread, seen by an
        // observer of the next tick)...
        await EngineCondition.WhenAsync(engine, () => engine.OverflowDrops > 0, TimeSpan.FromSeconds(60));

        // ...then read everything: contiguous data, then close 4001.
        var checker = new SequenceChecker();
        var last = await client.ReceiveUntilAsync(m => { checker.Observe(m); return false; }, ct);
        Assert.Null(last);
        Assert.Null(checker.FirstGap);
        Assert.Equal((WebSocketCloseStatus)CloseCodes.SlowConsumerOverflow, client.CloseStatus);
        Assert.Contains("slow consumer", client.Socket.CloseStatusDescription, StringComparison.Ordinal);
        Assert.Equal(1, server.Get<FeedMetrics>().DropsOverflow);
    }

    [Fact]
    public async Task GracefulShutdown_ClosesClientsWithGoingAway()
    {
        await using var server = await FeedServer.StartAsync();
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        var ct = Timeout();
        await client.SendAsync(RawFeedClient.Subscribe(1, DeliveryMode.Conflated, "AAPL"), ct);
        await client.ReceiveUntilAsync(m => m is SubscribeAckMessage, ct);
        Task stopping = server.StopAsync();
        Assert.Null(await client.ReceiveUntilAsync(_ => false, ct));
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, client.CloseStatus); // 1001
        await stopping.WaitAsync(ct);
    }

    [Fact]
    public async Task Heartbeats_CarryServerTime()
    {
        await using var server = await FeedServer.StartAsync("--Feed:HeartbeatIntervalMs=100");
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        var ct = Timeout();
        var first = Assert.IsType<HeartbeatMessage>(await client.ReceiveUntilAsync(m => m is HeartbeatMessage, ct));
        var second = Assert.IsType<HeartbeatMessage>(await client.ReceiveUntilAsync(m => m is HeartbeatMessage, ct));
        Assert.True(second.ServerTime > first.ServerTime);
        long now = UnixTime.NowNanos(TimeProvider.System);
        Assert.InRange(second.ServerTime, now - (10 * UnixTime.NanosPerSecond), now + UnixTime.NanosPerSecond);
    }

    [Fact]
    public async Task PingSymbolsUnsubscribe_Reply()
    {
        await using var server = await FeedServer.StartAsync();
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        var ct = Timeout();
        await client.SendTextAsync("""{"op":"ping","id":5,"time":123}""", ct);
        Assert.Equal(123, Assert.IsType<PongMessage>(await client.ReceiveUntilAsync(m => m is PongMessage, ct)).ClientTime);

        await client.SendTextAsync("""{"op":"symbols","id":6,"match":"BTC"}""", ct);
        var dir = Assert.IsType<SymbolDirectoryMessage>(await client.ReceiveUntilAsync(m => m is SymbolDirectoryMessage, ct));
        Assert.Equal("BTCUSDT", Assert.Single(dir.Symbols).Name);

        await client.SendTextAsync("""{"op":"subscribe","id":7,"symbols":["AAPL"]}""", ct);
        await client.ReceiveUntilAsync(m => m is SubscribeAckMessage, ct);
        await client.SendTextAsync("""{"op":"unsubscribe","id":8,"symbols":["*"]}""", ct);
        var unsub = Assert.IsType<UnsubscribeAckMessage>(await client.ReceiveUntilAsync(m => m is UnsubscribeAckMessage, ct));
        Assert.Equal("AAPL", Assert.Single(unsub.Symbols));
        Assert.Equal(0, server.Get<FeedRuntime>().Engine.SubscriptionCount(0));
    }

    [Fact]
    public async Task HttpEndpoints_HealthMetricsSymbols()
    {
        await using var server = await FeedServer.StartAsync("--rate", "5000");
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        using (var health = JsonDocument.Parse(await http.GetStringAsync("/health")))
        {
            Assert.Equal("ok", health.RootElement.GetProperty("status").GetString());
            Assert.Equal(server.Get<FeedRuntime>().Universe.Count, health.RootElement.GetProperty("symbols").GetInt32());
        }

        // Parse the exposition strictly: every sample is "name{labels} value" after its family's TYPE.
        var before = PrometheusText.Parse(await http.GetStringAsync("/metrics"));
        Assert.Equal(0, before["marketfeed_connections"]);
        Assert.Equal(0, before["marketfeed_drops_total{reason=\"overflow\"}"]);

        // Traffic moves the counters: a client, a ping, some conflated updates.
        await using (var client = await RawFeedClient.ConnectAsync(server.WebSocketUri))
        {
            var ct = Timeout();
            await client.SendTextAsync("""{"op":"ping","id":1}""", ct);
            await client.SendAsync(RawFeedClient.Subscribe(2, DeliveryMode.Conflated, "AAPL"), ct);
            int quotes = 0;
            await client.ReceiveUntilAsync(m => m is QuoteMessage && ++quotes >= 3, ct);

            var during = PrometheusText.Parse(await http.GetStringAsync("/metrics"));
            Assert.Equal(1, during["marketfeed_connections"]);
            Assert.Equal(before["marketfeed_connections_opened_total"] + 1, during["marketfeed_connections_opened_total"]);
            Assert.Equal(before["marketfeed_control_messages_total"] + 2, during["marketfeed_control_messages_total"]);
            Assert.True(during["marketfeed_ticks_in_total"] > before["marketfeed_ticks_in_total"]);
            Assert.True(during["marketfeed_updates_out_total"] >= before["marketfeed_updates_out_total"] + 3);
            Assert.True(during["marketfeed_frames_out_total"] > before["marketfeed_frames_out_total"]);
            Assert.True(during["marketfeed_bytes_out_bytes_total"] > before["marketfeed_bytes_out_bytes_total"]);
        }

        using (var symbols = JsonDocument.Parse(await http.GetStringAsync("/api/symbols")))
        {
            var aapl = symbols.RootElement.EnumerateArray().Single(e => e.GetProperty("symbol").GetString() == "AAPL");
            Assert.Equal(0, aapl.GetProperty("id").GetInt32());
            Assert.Equal(4, aapl.GetProperty("priceDecimals").GetInt32());
        }

        var plain = await http.GetAsync("/ws/v1");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, plain.StatusCode);
    }
}
