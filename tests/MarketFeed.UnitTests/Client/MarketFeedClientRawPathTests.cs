using System.Net;
using System.Net.Sockets;
using MarketFeed.Client;
using MarketFeed.Core;
using MarketFeed.Protocol;
using MessagePack;
using Microsoft.Extensions.Time.Testing;
using static MarketFeed.UnitTests.Client.ClientTestKit;

namespace MarketFeed.UnitTests.Client;

/// <summary>The client's hooks for load generators: raw handler, HTTP invoker, abort, receive pause, resume positions, watchdog off.</summary>
public sealed class MarketFeedClientRawPathTests
{
    [Fact]
    public async Task RawHandler_HandshakeFramesTicksAndMessages_InWireOrder_ControlStillWorks()
    {
        await using var server = await FakeFeedServer.StartAsync();
        var handler = new RecordingRawHandler { AwaitSequence = 3 };
        var options = Options(server.Uri);
        options.DecodeMarketData = false;
        options.RawHandler = handler;
        var (client, connection) = await ConnectAsync(server, options);
        await using var clientScope = client;
        await ClientTestKit.SubscribeAsync(client, connection, [Aapl], DeliveryMode.Full, 0, Snapshot(0, 0, 0, 0));

        await connection.SendAsync(b =>
        {
            b.AddTick(Quote(0, 1, 10, 11));
            b.AddSnapshot(Snapshot(0, 1, 10, 11));
            b.AddTick(Trade(0, 2, 11, 3, 3, 1));
            b.AddTick(Quote(0, 3, 10, 12));
        });
        await handler.TickSeen.Task.WaitAsync(TestTimeouts.Signal);
        await MarketFeedClientMessageTests.PingAsync(client, connection);

        Assert.Equal(
            [
                "opened",
                "frame", "message StatusMessage",                                   // welcome
                "frame", "message SubscribeAckMessage", "message SnapshotMessage", // subscribe's reply
                "frame", "tick 1", "message SnapshotMessage", "tick 2", "tick 3",
                "frame", "message PongMessage",
            ],
            handler.Events);
        Assert.All(handler.FrameTimes, t => Assert.True(t > 1_700_000_000_000_000_000));
        Assert.Equal(0, client.SequenceGapCount);
    }

    [Fact]
    public void Options_RawHandlerNeedsDecodingOff_InvokerExcludesCertificateSettings()
    {
        var uri = new Uri("ws://127.0.0.1:1/ws/v1");
        var raw = Options(uri);
        raw.RawHandler = new RecordingRawHandler();
        Assert.Contains("DecodeMarketData", Assert.Throws<ArgumentException>(raw.Validate).Message, StringComparison.Ordinal);
        raw.DecodeMarketData = false;
        raw.Validate();

        using var socketsHandler = new SocketsHttpHandler();
        using var invoker = new HttpMessageInvoker(socketsHandler, disposeHandler: false);
        var pinned = Options(uri);
        pinned.HttpInvoker = invoker;
        pinned.PinnedServerCertificateSha256 = new string('a', 64);
        Assert.Contains("HttpInvoker", Assert.Throws<ArgumentException>(pinned.Validate).Message, StringComparison.Ordinal);
        pinned.PinnedServerCertificateSha256 = null;
        pinned.Validate();

        var watchdog = Options(uri);
        watchdog.HeartbeatTimeoutMultiplier = -1;
        Assert.Throws<ArgumentException>(watchdog.Validate);
        watchdog.HeartbeatTimeoutMultiplier = 0;
        watchdog.Validate();
    }

    [Fact]
    public async Task HttpInvoker_UsedForTheUpgrade_ItsConnectCallbackBindsTheSourceAddress()
    {
        await using var server = await FakeFeedServer.StartAsync();
        var localEndPoints = new List<EndPoint?>();
        using var socketsHandler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    lock (localEndPoints)
                    {
                        localEndPoints.Add(socket.LocalEndPoint);
                    }

                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        using var invoker = new HttpMessageInvoker(socketsHandler, disposeHandler: false);
        var options = Options(server.Uri);
        options.HttpInvoker = invoker;

        var (client, connection) = await ConnectAsync(server, options);
        await using var clientScope = client;
        await MarketFeedClientMessageTests.PingAsync(client, connection);

        var local = Assert.IsType<IPEndPoint>(Assert.Single(localEndPoints));
        Assert.Equal(IPAddress.Parse("127.0.0.2"), local.Address.IsIPv4MappedToIPv6 ? local.Address.MapToIPv4() : local.Address);
    }

    [Fact]
    public async Task Abort_ConnectionEndsWithoutCloseHandshake_ReportedAsLost()
    {
        await using var server = await FakeFeedServer.StartAsync();
        var options = Options(server.Uri);
        options.AutoReconnect = false;
        var (client, connection) = await ConnectAsync(server, options);
        await using var clientScope = client;
        var stream = client.ReadAllAsync().GetAsyncEnumerator();

        client.Abort();

        var closed = await stream.NextAsync<ConnectionStateMessage>(m => m.State == ConnectionState.Closed);
        Assert.Equal(DisconnectCause.ConnectionLost, closed.LastDisconnect!.Cause);
        Assert.Null(closed.LastDisconnect.CloseCode);
        Assert.Null(await connection.Closed.WaitAsync(TestTimeouts.Signal)); // the server saw no close frame
    }

    [Fact]
    public async Task PauseReceiving_NothingReadUntilTheDurationEnds_WatchdogHeldMeanwhile()
    {
        await using var server = await FakeFeedServer.StartAsync(heartbeatMs: 1000);
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(60));
        var handler = new RecordingRawHandler { AwaitSequence = 2 };
        var options = Options(server.Uri, time);
        options.DecodeMarketData = false;
        options.RawHandler = handler;
        options.RequestTimeout = TimeSpan.FromHours(1);
        var (client, connection) = await ConnectAsync(server, options);
        await using var clientScope = client;
        await ClientTestKit.SubscribeAsync(client, connection, [Aapl], DeliveryMode.Full, 0, Snapshot(0, 0, 0, 0));
        long pausedAt = UnixTime.NowNanos(time);
        var paused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        handler.OnFrameHook = _ =>
        {
            handler.OnFrameHook = null;
            client.PauseReceiving(TimeSpan.FromSeconds(10)); // from the receive loop: stops right after this frame
            paused.TrySetResult();
        };
        await connection.SendTicksAsync(Quote(0, 1, 10, 11));
        await paused.Task.WaitAsync(TestTimeouts.Signal);

        await connection.SendTicksAsync(Quote(0, 2, 10, 11));       // sits unread in the socket
        var ping = client.PingAsync();                               // sending still works; the pong is not read either
        var request = await connection.ReceiveRequestAsync();
        await connection.SendPongAsync(request.Id, request.Time ?? 0, 1);
        Assert.True(client.IsReceivingPaused);
        time.Advance(TimeSpan.FromSeconds(9.9));                     // 9.9 heartbeat intervals of silence: the watchdog holds
        Assert.Equal(ConnectionState.Connected, client.State);
        time.Advance(TimeSpan.FromSeconds(0.1));

        await handler.TickSeen.Task.WaitAsync(TestTimeouts.Signal);
        await ping.WaitAsync(TestTimeouts.Signal);
        Assert.False(client.IsReceivingPaused);
        long[] times = [.. handler.FrameTimes];
        Assert.True(times[^2] >= pausedAt + 10_000_000_000, $"tick 2 was read {(times[^2] - pausedAt) / 1e9} s into the 10 s pause");
        Assert.Equal(ConnectionState.Connected, client.State);
    }

    [Fact]
    public async Task PauseReceiving_UntilResume_ThenReadsOn()
    {
        await using var server = await FakeFeedServer.StartAsync();
        var handler = new RecordingRawHandler { AwaitSequence = 2 };
        var options = Options(server.Uri);
        options.DecodeMarketData = false;
        options.RawHandler = handler;
        var (client, connection) = await ConnectAsync(server, options);
        await using var clientScope = client;
        await ClientTestKit.SubscribeAsync(client, connection, [Aapl], DeliveryMode.Full, 0, Snapshot(0, 0, 0, 0));
        var paused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        handler.OnFrameHook = _ =>
        {
            handler.OnFrameHook = null;
            client.PauseReceiving();
            paused.TrySetResult();
        };
        await connection.SendTicksAsync(Quote(0, 1, 10, 11));
        await paused.Task.WaitAsync(TestTimeouts.Signal);
        await connection.SendTicksAsync(Quote(0, 2, 10, 11));
        var ping = client.PingAsync();
        var request = await connection.ReceiveRequestAsync();
        await connection.SendPongAsync(request.Id, request.Time ?? 0, 1);
        Assert.True(client.IsReceivingPaused);
        Assert.DoesNotContain("tick 2", handler.Events); // sent before the ping went out: a reading client would have it by now

        client.ResumeReceiving();

        Assert.Equal(2, await handler.TickSeen.Task.WaitAsync(TestTimeouts.Signal));
        await ping.WaitAsync(TestTimeouts.Signal);
        Assert.False(client.IsReceivingPaused);
    }

    [Fact]
    public async Task HeartbeatWatchdogOff_LongSilence_ConnectionStaysUp()
    {
        await using var server = await FakeFeedServer.StartAsync(heartbeatMs: 1000);
        var time = new FakeTimeProvider();
        var options = Options(server.Uri, time);
        options.HeartbeatTimeoutMultiplier = 0;
        options.RequestTimeout = TimeSpan.FromHours(1);
        var (client, connection) = await ConnectAsync(server, options);
        await using var clientScope = client;

        time.Advance(TimeSpan.FromSeconds(60));
        await MarketFeedClientMessageTests.PingAsync(client, connection); // the receive loop has run since the advance: an abort would have shown

        Assert.Equal(ConnectionState.Connected, client.State);
        Assert.Null(client.LastDisconnect);
    }

    [Fact]
    public async Task SubscribeResuming_SendsEpochAndPositions_RecoveredSymbolChecksFromThere()
    {
        await using var server = await FakeFeedServer.StartAsync();
        var (client, connection) = await ConnectAsync(server, Options(server.Uri));
        await using var clientScope = client;
        var stream = client.ReadAllAsync().GetAsyncEnumerator();

        var subscribe = client.SubscribeResumingAsync(["AAPL", "MSFT"], DeliveryMode.Full, 0, epoch: 77, new Dictionary<string, long> { ["AAPL"] = 40 });
        var request = await connection.ReceiveRequestAsync();
        await connection.SendAsync(b => b.Add(request.Id, static (ref MessagePackWriter w, long id) =>
            MessageEncoder.WriteSubscribeAck(ref w, id, DeliveryMode.Full, 0, [Aapl, Msft], [true, false])));
        var ack = await subscribe.WaitAsync(TestTimeouts.Signal);
        await connection.SendAsync(b => b.AddSnapshot(Snapshot(1, 5, 1, 2)));
        await connection.SendTicksAsync(Quote(0, 41, 10, 11), Quote(0, 43, 10, 11)); // 41 continues after 40; 43 skips 42

        Assert.Equal(77, request.Epoch);
        Assert.Equal(40, Assert.Single(request.Resume!).Value);
        Assert.Equal([true, false], ack.Recovered);
        var resumed = await stream.NextAsync<SubscriptionsResumedMessage>();
        Assert.Equal(["AAPL"], resumed.Recovered);
        Assert.Equal(["MSFT"], resumed.NotRecovered);
        var gap = await stream.NextAsync<SequenceGapMessage>();
        Assert.Equal((42L, 43L), (gap.ExpectedSequence, gap.ReceivedSequence));
        Assert.Equal(1, client.SequenceGapCount);
    }

    [Fact]
    public async Task RawPath_FramesOfTicks_ClientAllocatesNothingPerFrame()
    {
        // Frames are queued in the socket while the client is paused, then read back to back: each receive completes
        // at once on the same thread, so that thread's allocation counter between two frames is what the client's
        // receive loop (WebSocket read, FrameReader, raw handler calls) allocated for one frame of 16 ticks.
        const int batch = 100, ticksPerFrame = 16; // ~60 KB: fits the loopback socket buffers while the reader is paused
        await using var server = await FakeFeedServer.StartAsync();
        var handler = new AllocationProbeHandler(1024);
        var options = Options(server.Uri);
        options.DecodeMarketData = false;
        options.RawHandler = handler;
        options.HeartbeatTimeoutMultiplier = 0;
        var (client, connection) = await ConnectAsync(server, options);
        await using var clientScope = client;
        int first = handler.Frames; // the welcome
        var ticks = new Tick[ticksPerFrame];

        // Round 0 warms up (JIT, first-use paths, buffer growth); round 1 is measured.
        int[] starts = new int[2];
        for (int round = 0; round < 2; round++)
        {
            var paused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            handler.PauseAtFrame = handler.Frames;
            handler.OnPauseFrame = () =>
            {
                client.PauseReceiving();
                paused.TrySetResult();
            };
            await connection.SendTicksAsync(Quote(0, 1, 10, 11)); // the frame that pauses the reader
            await paused.Task.WaitAsync(TestTimeouts.Signal);
            starts[round] = handler.Frames;
            var batchSeen = handler.ExpectFrames(starts[round] + batch);
            for (int f = 0; f < batch; f++)
            {
                for (int i = 0; i < ticksPerFrame; i++)
                {
                    ticks[i] = (i & 3) == 3 ? Trade(0, 2 + i, 10_000 + i, 5, 5 * i, i) : Quote(0, 2 + i, 9_990 + i, 10_010 + i);
                }

                await connection.SendTicksAsync(ticks);
            }

            if (round == 0)
            {
                handler.PauseAtFrame = -1;
                client.ResumeReceiving();
                await MarketFeedClientMessageTests.PingAsync(client, connection); // after the batch: all of it was read
                await batchSeen.WaitAsync(TestTimeouts.Signal);
                Assert.Equal(starts[0] + batch + 1, handler.Frames); // the batch, then the pong
            }
            else
            {
                client.ResumeReceiving();
                await batchSeen.WaitAsync(TestTimeouts.Signal);
            }
        }

        int pairs = 0;
        long allocated = 0;
        for (int n = starts[1] + 1; n < starts[1] + batch; n++)
        {
            if (handler.Thread(n) == handler.Thread(n - 1))
            {
                pairs++;
                allocated += handler.Allocated(n) - handler.Allocated(n - 1);
            }
        }

        Assert.True(first >= 1);
        Assert.Equal(starts[1] + batch, handler.Frames);
        Assert.True(pairs >= batch / 2, $"only {pairs} of {batch - 1} frames were read back to back on one thread");
        Assert.True(allocated == 0, $"allocated {allocated} B over {pairs} pairs");
    }
}
