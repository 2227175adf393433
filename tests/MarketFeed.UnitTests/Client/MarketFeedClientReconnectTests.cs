using MarketFeed.Client;
using MarketFeed.Core;
using MarketFeed.Protocol;
using Microsoft.Extensions.Time.Testing;
using static MarketFeed.UnitTests.Client.ClientTestKit;

namespace MarketFeed.UnitTests.Client;

public sealed class MarketFeedClientReconnectTests
{
    [Fact]
    public async Task ServerClosesWith4001_CloseCodeSurfacedAndReconnectResubscribesSameModesAndRebuildsState()
    {
        await using var server = await FakeFeedServer.StartAsync();
        var (client, first) = await ConnectAsync(server, Options(server.Uri));
        await using var clientScope = client;
        var states = new List<ConnectionState>();
        client.StateChanged += (_, m) =>
        {
            lock (states)
            {
                states.Add(m.State);
            }
        };
        var stream = client.ReadAllAsync().GetAsyncEnumerator();
        await ClientTestKit.SubscribeAsync(client, first, [Aapl], DeliveryMode.Conflated, 10, Snapshot(0, 50, 100, 101));
        await ClientTestKit.SubscribeAsync(client, first, [Msft], DeliveryMode.Full, 0, Snapshot(1, 70, 300, 301));

        await first.CloseAsync(CloseCodes.SlowConsumerOverflow, "slow consumer: queue overflow");

        var reconnecting = await stream.NextAsync<ConnectionStateMessage>(m => m.State == ConnectionState.Reconnecting);
        Assert.Equal((DisconnectCause.ServerClosed, (int?)4001, "slow consumer: queue overflow"), (reconnecting.LastDisconnect!.Cause, reconnecting.LastDisconnect.CloseCode, reconnecting.LastDisconnect.CloseReason));
        var second = await server.AcceptAsync();
        var resubscribes = new[] { await second.ReceiveRequestAsync(), await second.ReceiveRequestAsync() }.OrderBy(r => r.Symbols![0]).ToArray();
        Assert.Equal(("AAPL", 1, DeliveryMode.Conflated, 10), (resubscribes[0].Symbols![0], resubscribes[0].Symbols!.Count, resubscribes[0].Mode, resubscribes[0].Throttle));
        Assert.Equal(("MSFT", 1, DeliveryMode.Full, 0), (resubscribes[1].Symbols![0], resubscribes[1].Symbols!.Count, resubscribes[1].Mode, resubscribes[1].Throttle));

        // The restarted server numbers symbols differently and has moved on.
        var aaplNow = Aapl with { Id = 5 };
        var msftNow = Msft with { Id = 6 };
        await second.SendSubscribeAckAsync(resubscribes[0].Id, DeliveryMode.Conflated, 10, [aaplNow], Snapshot(5, 900, 111, 112));
        await second.SendSubscribeAckAsync(resubscribes[1].Id, DeliveryMode.Full, 0, [msftNow], Snapshot(6, 3, 333, 334));
        await second.SendTicksAsync(Quote(6, 4, 335, 336));

        await stream.NextAsync<QuoteMessage>(q => q.SymbolId == 6);
        Assert.Equal(ConnectionState.Connected, client.State);
        Assert.Equal(1, client.ReconnectCount);
        Assert.Equal(4001, client.LastDisconnect!.CloseCode);
        Assert.True(client.TryGetSnapshot("AAPL", out var aapl));
        Assert.Equal((900L, 111L), (aapl.Sequence, aapl.BidPrice));
        Assert.True(client.TryGetSnapshot("MSFT", out var msft));
        Assert.Equal((4L, 335L), (msft.Sequence, msft.BidPrice)); // seq went from 70 to 3: the snapshot reset the baseline, no gap
        Assert.Equal(0, client.SequenceGapCount);
        Assert.True(client.TryGetSymbol(5, out var symbol));
        Assert.Equal("AAPL", symbol.Symbol);
        Assert.False(client.TryGetSymbol(0, out _));
        lock (states)
        {
            Assert.Equal([ConnectionState.Reconnecting, ConnectionState.Connected], states);
        }
    }

    [Fact]
    public async Task HeartbeatTimeout_NothingArrivesFor3Intervals_ConnectionDeclaredDeadAndReestablished()
    {
        await using var server = await FakeFeedServer.StartAsync(heartbeatMs: 1000);
        var time = new FakeTimeProvider();
        var (client, first) = await ConnectAsync(server, Options(server.Uri, time));
        await using var clientScope = client;
        var stream = client.ReadAllAsync().GetAsyncEnumerator();
        await ClientTestKit.SubscribeAsync(client, first, [Aapl], DeliveryMode.Full, 0, Snapshot(0, 1, 10, 11));

        time.Advance(TimeSpan.FromSeconds(2.5));
        Assert.Equal(ConnectionState.Connected, client.State); // 2.5 intervals of silence is still alive
        time.Advance(TimeSpan.FromSeconds(1));

        var reconnecting = await stream.NextAsync<ConnectionStateMessage>(m => m.State == ConnectionState.Reconnecting);
        Assert.Equal(DisconnectCause.HeartbeatTimeout, reconnecting.LastDisconnect!.Cause);
        Assert.Null(reconnecting.LastDisconnect.CloseCode);
        var second = await server.AcceptAsync();
        var resubscribe = await second.ReceiveRequestAsync();
        Assert.Equal(["AAPL"], resubscribe.Symbols);
        Assert.Equal(DeliveryMode.Full, resubscribe.Mode);
        await stream.NextAsync<ConnectionStateMessage>(m => m.State == ConnectionState.Connected);
    }

    [Fact]
    public async Task HeartbeatTimeout_FramesKeepArriving_ConnectionStaysUp()
    {
        await using var server = await FakeFeedServer.StartAsync(heartbeatMs: 1000);
        var time = new FakeTimeProvider();
        var (client, connection) = await ConnectAsync(server, Options(server.Uri, time));
        await using var clientScope = client;
        var stream = client.ReadAllAsync().GetAsyncEnumerator();

        for (int i = 0; i < 5; i++)
        {
            time.Advance(TimeSpan.FromSeconds(2));
            await connection.SendAsync(b => b.AddHeartbeat(i));
            await stream.NextAsync<HeartbeatMessage>(h => h.ServerTime == i);
        }

        Assert.Equal(ConnectionState.Connected, client.State);
        Assert.Equal(0, client.ReconnectCount);
    }

    [Fact]
    public async Task ServerClosesWith1008_PolicyViolationIsNotRetried_ClientClosedAndStreamCompletes()
    {
        await using var server = await FakeFeedServer.StartAsync();
        var (client, connection) = await ConnectAsync(server, Options(server.Uri));
        await using var clientScope = client;

        await connection.CloseAsync(CloseCodes.PolicyViolation, "too many bad messages");

        var messages = new List<ServerMessage>();
        await foreach (var m in client.ReadAllAsync().WithCancellation(new CancellationTokenSource(TestTimeouts.Signal).Token))
        {
            messages.Add(m);
        }

        var closed = Assert.IsType<ConnectionStateMessage>(messages[^1]);
        Assert.Equal(ConnectionState.Closed, closed.State);
        Assert.Equal(1008, closed.LastDisconnect!.CloseCode);
        Assert.Equal(ConnectionState.Closed, client.State);
    }

    [Fact]
    public async Task ReconnectAttemptsExhausted_ClientClosesAndReportsTheLastFailure()
    {
        await using var server = await FakeFeedServer.StartAsync();
        var options = Options(server.Uri);
        options.MaxReconnectAttempts = 2;
        var (client, connection) = await ConnectAsync(server, options);
        await using var clientScope = client;
        var states = new List<ConnectionState>();

        server.RejectConnections = true;
        await connection.CloseAsync(CloseCodes.InternalError, "boom");
        await foreach (var m in client.ReadAllAsync().WithCancellation(new CancellationTokenSource(TestTimeouts.Signal).Token))
        {
            if (m is ConnectionStateMessage s)
            {
                states.Add(s.State);
            }
        }

        Assert.Equal([ConnectionState.Connecting, ConnectionState.Connected, ConnectionState.Reconnecting, ConnectionState.Closed], states);
        Assert.Equal(ConnectionState.Closed, client.State);
        Assert.Equal(DisconnectCause.ConnectionLost, client.LastDisconnect!.Cause);
        Assert.NotNull(client.LastDisconnect.Exception);
        Assert.Equal(0, client.ReconnectCount);
    }

    [Fact]
    public async Task ServerGoingAway1001_RequestPendingDuringDisconnect_FailsWithConnectionException()
    {
        await using var server = await FakeFeedServer.StartAsync();
        var options = Options(server.Uri);
        options.AutoReconnect = false;
        var (client, connection) = await ConnectAsync(server, options);
        await using var clientScope = client;

        var ping = client.PingAsync();
        await connection.ReceiveRequestAsync();
        await connection.CloseAsync(CloseCodes.GoingAway, "server shutting down");

        await Assert.ThrowsAsync<MarketFeedConnectionException>(() => ping.WaitAsync(TestTimeouts.Signal));
        Assert.Equal(1001, client.LastDisconnect!.CloseCode);
    }
}
