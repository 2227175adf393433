using System.Net.WebSockets;
using MarketFeed.Client;
using MarketFeed.Core;
using MarketFeed.Protocol;
using MessagePack;
using static MarketFeed.UnitTests.Client.ClientTestKit;

namespace MarketFeed.UnitTests.Client;

public sealed class MarketFeedClientMessageTests
{
    [Fact]
    public async Task Connect_ServerWelcomes_ConnectedWithSubprotocolAndWelcomeDetails()
    {
        await using var server = await FakeFeedServer.StartAsync();
        var (client, connection) = await ConnectAsync(server, Options(server.Uri));
        await using var clientScope = client;

        Assert.Equal(ConnectionState.Connected, client.State);
        Assert.Equal("marketfeed.v1", connection.SubProtocol);
        Assert.Equal("c-test", client.ServerDetails!["connectionId"]);
        Assert.Null(client.LastDisconnect);
    }

    [Fact]
    public async Task Subscribe_AckSnapshotQuoteTrade_StateCacheAndSymbolMapFollowTheStream()
    {
        await using var server = await FakeFeedServer.StartAsync();
        var (client, connection) = await ConnectAsync(server, Options(server.Uri));
        await using var clientScope = client;
        var stream = client.ReadAllAsync().GetAsyncEnumerator();

        var request = await ClientTestKit.SubscribeAsync(client, connection, [Aapl, Msft], DeliveryMode.Conflated, 10,
            Snapshot(0, 7, 1_815_100, 1_815_300, cumVolume: 500, tradeCount: 5), Snapshot(1, 3, 3_300_000, 3_300_100));
        await connection.SendTicksAsync(Quote(0, 8, 1_815_200, 1_815_400), Trade(0, 9, 1_815_400, 25, 525, 6));

        Assert.Equal(ControlRequest.Ops.Subscribe, request.Op);
        Assert.Equal(["AAPL", "MSFT"], request.Symbols);
        Assert.Equal(DeliveryMode.Conflated, request.Mode);
        Assert.Equal(10, request.Throttle);
        var ack = await stream.NextAsync<SubscribeAckMessage>();
        Assert.Equal(10, ack.Throttle);
        await stream.NextAsync<SnapshotMessage>(s => s.State.SymbolId == 1);
        var trade = await stream.NextAsync<TradeMessage>();
        Assert.Equal(9, trade.Sequence);

        Assert.True(client.TryGetSnapshot("AAPL", out var aapl));
        Assert.Equal(9, aapl.Sequence);
        Assert.Equal(8, aapl.QuoteSequence);
        Assert.Equal(1_815_200, aapl.BidPrice);
        Assert.Equal(1_815_400, aapl.AskPrice);
        Assert.Equal(9, aapl.TradeSequence);
        Assert.Equal(1_815_400, aapl.LastPrice);
        Assert.Equal(25, aapl.LastSize);
        Assert.Equal(TradeSide.Buy, aapl.LastSide);
        Assert.Equal(525, aapl.CumulativeVolume);
        Assert.Equal(6, aapl.TradeCount);
        Assert.True(client.TryGetSnapshot(1, out var msft));
        Assert.Equal(3_300_000, msft.BidPrice);
        Assert.True(client.TryGetSymbol(0, out var symbol));
        Assert.Equal(new SymbolRef("AAPL", 0, 4, 0), symbol);
        Assert.Equal([new Subscription("AAPL", DeliveryMode.Conflated, 10), new Subscription("MSFT", DeliveryMode.Conflated, 10)], client.Subscriptions.OrderBy(s => s.Symbol));
    }

    [Fact]
    public async Task Stream_EveryServerMessageKind_DecodedInOrder()
    {
        await using var server = await FakeFeedServer.StartAsync();
        var (client, connection) = await ConnectAsync(server, Options(server.Uri));
        await using var clientScope = client;
        var stream = client.ReadAllAsync().GetAsyncEnumerator();
        await stream.NextAsync<StatusMessage>(s => s.State == "welcome");

        await connection.SendAsync(b =>
        {
            b.AddTick(Quote(0, 1, 10, 11));
            b.AddTick(Trade(0, 2, 11, 5, 5, 1));
            b.Add(0, static (ref MessagePackWriter w, int _) => MessageEncoder.WriteSubscribeAck(ref w, 0, DeliveryMode.Full, 0, [Aapl]));
            b.AddSnapshot(Snapshot(0, 2, 10, 11));
            b.Add(0, static (ref MessagePackWriter w, int _) => MessageEncoder.WriteError(ref w, 0, ErrorCode.UnknownSymbol, "no such symbol", "ZZZZ"));
            b.AddHeartbeat(123);
            b.Add(0, static (ref MessagePackWriter w, int _) => MessageEncoder.WriteReplayStart(ref w, 0, 42, "ibm-20131007", 1, 2, "10x", DeliveryMode.Full, [Msft with { Id = 1_000_000 }]));
            b.Add(0, static (ref MessagePackWriter w, int _) => MessageEncoder.WriteReplayEnd(ref w, 0, 42, "completed", 99));
            b.Add(0, static (ref MessagePackWriter w, int _) => MessageEncoder.WriteStatus(ref w, "lagging", [new("reason", "queue"), new("queueDepth", 600L)]));
            b.Add(0, static (ref MessagePackWriter w, int _) => MessageEncoder.WritePong(ref w, 0, 5, 6));
            b.Add(0, static (ref MessagePackWriter w, int _) => MessageEncoder.WriteSymbolDirectory(ref w, 0, [Aapl, Msft]));
            b.Add(0, static (ref MessagePackWriter w, int _) => MessageEncoder.WriteUnsubscribeAck(ref w, 0, ["MSFT"]));
            b.Add(0, static (ref MessagePackWriter w, int _) => MessageEncoder.WriteCatalog(ref w, 0, [new CatalogEntry("ibm-20131007", ["IBM"], 1, 2, 3)]));
            b.Add(0, static (ref MessagePackWriter w, int _) => MessageEncoder.WriteReplayStatus(ref w, 42, "paused", "10x", 77));
            b.Add(0, static (ref MessagePackWriter w, int _) =>
            {
                w.WriteArrayHeader(3);
                w.Write(99);
                w.Write("future");
                w.Write(1);
            });
        });

        Assert.Equal(1, (await stream.NextAsync<QuoteMessage>()).Sequence);
        Assert.Equal(5, (await stream.NextAsync<TradeMessage>()).CumulativeVolume);
        Assert.Equal(DeliveryMode.Full, (await stream.NextAsync<SubscribeAckMessage>()).Mode);
        Assert.Equal(2, (await stream.NextAsync<SnapshotMessage>()).State.Sequence);
        var error = await stream.NextAsync<ErrorMessage>();
        Assert.Equal((404, "unknown_symbol", "ZZZZ"), (error.Code, error.CodeName, error.Symbol));
        Assert.Equal(123, (await stream.NextAsync<HeartbeatMessage>()).ServerTime);
        var start = await stream.NextAsync<ReplayStartMessage>();
        Assert.Equal((42L, "10x", 1_000_000), (start.ReplayId, start.Speed, start.Symbols[0].SymbolId));
        Assert.Equal(99, (await stream.NextAsync<ReplayEndMessage>()).TicksSent);
        Assert.Equal(600L, (await stream.NextAsync<StatusMessage>()).Details["queueDepth"]);
        Assert.Equal(6, (await stream.NextAsync<PongMessage>()).ServerTime);
        Assert.Equal("Microsoft Corp.", (await stream.NextAsync<SymbolDirectoryMessage>()).Symbols[1].Description);
        Assert.Equal(["MSFT"], (await stream.NextAsync<UnsubscribeAckMessage>()).Symbols);
        Assert.Equal(3, (await stream.NextAsync<CatalogMessage>()).Datasets[0].TickCount);
        Assert.Equal(77, (await stream.NextAsync<ReplayStatusMessage>()).Position);
        Assert.Equal(99, (await stream.NextAsync<UnknownMessage>()).RawKind);

        // The replay start mapped its replay symbol id; the unsolicited ack mapped the live id.
        Assert.True(client.TryGetSymbol(1_000_000, out var replaySymbol));
        Assert.Equal("MSFT", replaySymbol.Symbol);
        Assert.True(client.TryGetSnapshot("AAPL", out var aapl));
        Assert.Equal(10, aapl.BidPrice);
    }

    [Fact]
    public async Task Requests_PingSymbolsCatalogUnsubscribeReplay_RepliesMatchedByRequestId()
    {
        await using var server = await FakeFeedServer.StartAsync();
        var (client, connection) = await ConnectAsync(server, Options(server.Uri));
        await using var clientScope = client;
        await ClientTestKit.SubscribeAsync(client, connection, [Aapl], DeliveryMode.Full, 0, Snapshot(0, 1, 10, 11));

        var ping = client.PingAsync();
        var pingRequest = await connection.ReceiveRequestAsync();
        await connection.SendPongAsync(pingRequest.Id, pingRequest.Time!.Value, 555);
        var pong = await ping.WaitAsync(TestTimeouts.Signal);
        Assert.Equal(555, pong.ServerTime);
        Assert.Equal(pingRequest.Time, pong.ClientTime);
        Assert.True(pong.RoundTripTime >= TimeSpan.Zero);

        var symbols = client.GetSymbolsAsync("A");
        var symbolsRequest = await connection.ReceiveRequestAsync();
        Assert.Equal("A", symbolsRequest.Match);
        await connection.SendAsync(b => b.Add(symbolsRequest.Id, static (ref MessagePackWriter w, long id) => MessageEncoder.WriteSymbolDirectory(ref w, id, [Aapl])));
        Assert.Equal("AAPL", (await symbols.WaitAsync(TestTimeouts.Signal)).Single().Name);

        var catalog = client.GetCatalogAsync();
        var catalogRequest = await connection.ReceiveRequestAsync();
        await connection.SendAsync(b => b.Add(catalogRequest.Id, static (ref MessagePackWriter w, long id) => MessageEncoder.WriteCatalog(ref w, id, [new CatalogEntry("d1", ["IBM"], 1, 2, 3)])));
        Assert.Equal("d1", (await catalog.WaitAsync(TestTimeouts.Signal)).Single().Dataset);

        var replay = client.ReplayAsync(new ReplayRequest("d1") { Symbols = ["IBM"], Speed = double.PositiveInfinity, Mode = DeliveryMode.Full });
        var replayRequest = await connection.ReceiveRequestAsync();
        Assert.Equal(("d1", double.PositiveInfinity), (replayRequest.Dataset, replayRequest.Speed));
        await connection.SendAsync(b => b.Add(replayRequest.Id, static (ref MessagePackWriter w, long id) =>
            MessageEncoder.WriteReplayStart(ref w, id, 7, "d1", 1, 2, "max", DeliveryMode.Full, [new SymbolInfo("IBM", 100, "IBM", "USD", 4, 0, 100, 1, 0)])));
        Assert.Equal(7, (await replay.WaitAsync(TestTimeouts.Signal)).ReplayId);
        Assert.True(client.TryGetSymbol(100, out _));

        var pause = client.PauseReplayAsync(7);
        var pauseRequest = await connection.ReceiveRequestAsync();
        Assert.Equal((ControlRequest.Ops.ReplayPause, (long?)7), (pauseRequest.Op, pauseRequest.ReplayId));
        await connection.SendAsync(b =>
        {
            // A periodic "playing" status racing the pause must not complete it.
            b.Add(0, static (ref MessagePackWriter w, int _) => MessageEncoder.WriteReplayStatus(ref w, 7, "playing", "max", 10));
            b.Add(0, static (ref MessagePackWriter w, int _) => MessageEncoder.WriteReplayStatus(ref w, 7, "paused", "max", 11));
        });
        Assert.Equal(11, (await pause.WaitAsync(TestTimeouts.Signal)).Position);

        var stop = client.StopReplayAsync(7);
        var stopRequest = await connection.ReceiveRequestAsync();
        await connection.SendAsync(b => b.Add(stopRequest.Id, static (ref MessagePackWriter w, long id) => MessageEncoder.WriteReplayEnd(ref w, id, 7, "stopped", 12)));
        Assert.Equal("stopped", (await stop.WaitAsync(TestTimeouts.Signal)).Reason);

        var unsubscribe = client.UnsubscribeAsync(["AAPL"]);
        var unsubscribeRequest = await connection.ReceiveRequestAsync();
        await connection.SendAsync(b => b.Add(unsubscribeRequest.Id, static (ref MessagePackWriter w, long id) => MessageEncoder.WriteUnsubscribeAck(ref w, id, ["AAPL"])));
        await unsubscribe.WaitAsync(TestTimeouts.Signal);
        Assert.Empty(client.Subscriptions);
        Assert.False(client.TryGetSnapshot("AAPL", out _));
    }

    [Fact]
    public async Task Request_ErrorReply_ThrowsRequestExceptionWithCode()
    {
        await using var server = await FakeFeedServer.StartAsync();
        var (client, connection) = await ConnectAsync(server, Options(server.Uri));
        await using var clientScope = client;

        var subscribe = client.SubscribeAsync(["NOPE"]);
        var request = await connection.ReceiveRequestAsync();
        await connection.SendAsync(b => b.Add(request.Id, static (ref MessagePackWriter w, long id) => MessageEncoder.WriteError(ref w, id, ErrorCode.UnknownSymbol, "unknown symbol NOPE", "NOPE")));

        var ex = await Assert.ThrowsAsync<MarketFeedRequestException>(() => subscribe.WaitAsync(TestTimeouts.Signal));
        Assert.Equal(ErrorCode.UnknownSymbol, ex.Code);
    }

    [Fact]
    public async Task Channel_AppDoesNotRead_DropsBoundedAndReportsWhereTheGapIs()
    {
        await using var server = await FakeFeedServer.StartAsync();
        var options = Options(server.Uri);
        options.ChannelCapacity = 8;
        var (client, connection) = await ConnectAsync(server, options);
        await using var clientScope = client;
        await ClientTestKit.SubscribeAsync(client, connection, [Aapl], DeliveryMode.Full, 0, Snapshot(0, 0, 0, 0));

        // In the channel so far: Connecting, welcome, Connected, ack, snapshot = 5 of 8.
        await connection.SendTicksAsync([.. Enumerable.Range(1, 10).Select(i => Quote(0, i, 100 + i, 200 + i))]);
        await PingAsync(client, connection); // the pong is processed after the ticks: a barrier

        Assert.Equal(8, client.DroppedMessageCount); // 7 quotes + the pong
        Assert.True(client.TryGetSnapshot("AAPL", out var cached));
        Assert.Equal(10, cached.Sequence); // the cache saw everything

        var stream = client.ReadAllAsync().GetAsyncEnumerator();
        var firstEight = new List<ServerMessage>();
        for (int i = 0; i < 8; i++)
        {
            Assert.True(await stream.MoveNextAsync());
            firstEight.Add(stream.Current);
        }

        Assert.Equal(3, ((QuoteMessage)firstEight[^1]).Sequence);
        await PingAsync(client, connection);
        var dropped = await stream.NextAsync<MessagesDroppedMessage>();
        Assert.Equal((8L, 8L), (dropped.Count, dropped.TotalDropped));
        await stream.NextAsync<PongMessage>();
    }

    [Fact]
    public async Task Channel_WaitPolicy_AppReadsLate_NothingDroppedAndOrderKept()
    {
        await using var server = await FakeFeedServer.StartAsync();
        var options = Options(server.Uri);
        options.ChannelCapacity = 4;
        options.OverflowPolicy = MessageOverflowPolicy.Wait;
        var (client, connection) = await ConnectAsync(server, options);
        await using var clientScope = client;

        await connection.SendAsync(b =>
        {
            for (int i = 1; i <= 20; i++)
            {
                b.AddHeartbeat(i);
            }
        });

        var stream = client.ReadAllAsync().GetAsyncEnumerator();
        for (int i = 1; i <= 20; i++)
        {
            Assert.Equal(i, (await stream.NextAsync<HeartbeatMessage>()).ServerTime);
        }

        Assert.Equal(0, client.DroppedMessageCount);
    }

    [Fact]
    public async Task MalformedFrame_CountedAndSkipped_ConnectionCarriesOn()
    {
        await using var server = await FakeFeedServer.StartAsync();
        var (client, connection) = await ConnectAsync(server, Options(server.Uri));
        await using var clientScope = client;
        var stream = client.ReadAllAsync().GetAsyncEnumerator();

        await connection.SendRawAsync([0x91, 0xc1]); // array of 1 holding the never-used 0xc1 byte
        await connection.SendAsync(b => b.AddHeartbeat(42));

        Assert.Equal(42, (await stream.NextAsync<HeartbeatMessage>()).ServerTime);
        Assert.Equal(1, client.MalformedFrameCount);
        Assert.Equal(ConnectionState.Connected, client.State);
    }

    [Fact]
    public async Task RawFrameHandler_MarketDataDecodingOff_TicksReadWithFrameReaderAndControlStillWorks()
    {
        await using var server = await FakeFeedServer.StartAsync();
        var ticks = new List<Tick>();
        var receiveTimes = new List<long>();
        var options = Options(server.Uri);
        options.DecodeMarketData = false;
        options.FrameHandler = (frame, receivedAt) =>
        {
            var reader = new FrameReader(frame);
            while (reader.Remaining > 0)
            {
                if (reader.TryReadTick(out var tick, out _))
                {
                    ticks.Add(tick);
                    receiveTimes.Add(receivedAt);
                }
            }
        };
        var (client, connection) = await ConnectAsync(server, options);
        await using var clientScope = client;
        await ClientTestKit.SubscribeAsync(client, connection, [Aapl], DeliveryMode.Full, 0, Snapshot(0, 0, 0, 0));

        await connection.SendTicksAsync(Quote(0, 1, 10, 11), Trade(0, 2, 11, 3, 3, 1));
        await PingAsync(client, connection);

        Assert.Equal([1L, 2L], ticks.Select(t => t.Sequence));
        Assert.Equal(TickKind.Trade, ticks[1].Kind);
        Assert.All(receiveTimes, t => Assert.True(t > 1_700_000_000_000_000_000));
        Assert.True(client.TryGetSymbol(0, out _));
        Assert.True(client.TryGetSnapshot("AAPL", out var cached));
        Assert.Equal(0, cached.Sequence); // market data bypasses the cache on this path
    }

    [Fact]
    public async Task ConnectAsync_NothingListening_ThrowsConnectionExceptionAndStaysDisconnected()
    {
        var server = await FakeFeedServer.StartAsync();
        var uri = server.Uri;
        await server.DisposeAsync();
        await using var client = new MarketFeedClient(Options(uri));

        var ex = await Assert.ThrowsAsync<MarketFeedConnectionException>(() => client.ConnectAsync().WaitAsync(TestTimeouts.Signal));

        Assert.Contains(uri.ToString(), ex.Message, StringComparison.Ordinal);
        Assert.Equal(ConnectionState.Disconnected, client.State);
    }

    [Fact]
    public async Task DisposeAsync_ClosesWithNormalClosureAndCompletesStream()
    {
        await using var server = await FakeFeedServer.StartAsync();
        var (client, connection) = await ConnectAsync(server, Options(server.Uri));

        await client.DisposeAsync();

        Assert.Equal(WebSocketCloseStatus.NormalClosure, await connection.Closed.WaitAsync(TestTimeouts.Signal));
        Assert.Equal(ConnectionState.Closed, client.State);
        var all = new List<ServerMessage>();
        await foreach (var m in client.ReadAllAsync())
        {
            all.Add(m);
        }

        Assert.Equal(ConnectionState.Closed, ((ConnectionStateMessage)all[^1]).State);
    }

    internal static async Task PingAsync(MarketFeedClient client, FakeFeedConnection connection)
    {
        var ping = client.PingAsync();
        var request = await connection.ReceiveRequestAsync();
        await connection.SendPongAsync(request.Id, request.Time ?? 0, 1);
        await ping.WaitAsync(TestTimeouts.Signal);
    }
}
