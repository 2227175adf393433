using System.Net.WebSockets;
using System.Text;
using MarketFeed.Core;
using MarketFeed.Gateway.Connections;
using MarketFeed.Protocol;

namespace MarketFeed.IntegrationTests;

/// <summary>
/// Issue 13 part 3, tried as a hostile client would: reply amplification, a client that sends but
/// never reads, oversized and endless messages, connection storms and silent TCP connections.
/// </summary>
public sealed class ControlPlaneLimitTests
{
    private static CancellationToken Timeout(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private static string[] UnknownNames(int count, string prefix)
    {
        var names = new string[count];
        for (int i = 0; i < count; i++)
        {
            names[i] = prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return names;
    }

    [Fact]
    public async Task SubscribeOfTenThousandUnknownSymbols_GetsOneErrorListingThem_AndCountsTowardTheErrorLimit()
    {
        await using var server = await FeedServer.StartAsync("--Feed:MaxErrorsPerConnection=3", "--Feed:ControlMessagesPerSecond=1000", "--Feed:ControlMessageBurst=1000");
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        var ct = Timeout();

        // The issue's attack: one subscribe naming 10,000 symbols (the most one array may hold), all unknown but one.
        string[] names = [.. UnknownNames(9_999, "Z"), "AAPL"];
        await client.SendAsync(RawFeedClient.Subscribe(7, DeliveryMode.Conflated, names), ct);
        var seen = new List<ServerMessage>();
        var ack = Assert.IsType<SubscribeAckMessage>(await client.ReceiveUntilAsync(m => m is SubscribeAckMessage, ct, seen));
        Assert.Equal("AAPL", Assert.Single(ack.Symbols).Symbol);
        var error = Assert.Single(seen.OfType<ErrorMessage>());
        Assert.Equal((7L, 404, "unknown_symbol"), (error.RequestId, error.Code, error.CodeName));
        Assert.Equal("Z0", error.Symbol);
        Assert.NotNull(error.Symbols);
        Assert.Equal(RejectedSymbols.MaxListed, error.Symbols.Count);
        Assert.Contains("9999 unknown symbols", error.Message, StringComparison.Ordinal);

        // Unsubscribe too: one error for all its unknown names.
        await client.SendAsync(new ControlRequest { Op = ControlRequest.Ops.Unsubscribe, Id = 8, Symbols = ["NOPE1", "NOPE2", "AAPL"] }, ct);
        seen.Clear();
        Assert.IsType<UnsubscribeAckMessage>(await client.ReceiveUntilAsync(m => m is UnsubscribeAckMessage, ct, seen));
        var unsubError = Assert.Single(seen.OfType<ErrorMessage>());
        Assert.Equal(["NOPE1", "NOPE2"], unsubError.Symbols);

        // Two requests with unknown symbols counted so far; the limit is 3: the second one past it closes.
        await client.SendAsync(RawFeedClient.Subscribe(9, DeliveryMode.Conflated, "NOPE3"), ct);
        await client.SendAsync(RawFeedClient.Subscribe(10, DeliveryMode.Conflated, "NOPE4"), ct);
        Assert.Null(await client.ReceiveUntilAsync(_ => false, ct));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.CloseStatus);
    }

    [Fact]
    public async Task ClientThatNeverReads_SendingBigSubscribes_IsClosedAtTheQueuedBytesCeiling()
    {
        const int ceiling = 512 * 1024;
        await using var server = await FeedServer.StartAsync(
            "--rate", "2000",
            $"--Feed:MaxQueuedBytesPerConnection={ceiling}",
            "--Feed:SlowConsumerTimeoutMs=60000", // the ceiling, not the slow-consumer watchdog, must end it
            "--Feed:CloseTimeoutMs=10000",
            "--Feed:ControlMessagesPerSecond=100000",
            "--Feed:ControlMessageBurst=100000");
        var ct = Timeout(60);
        var registry = server.Get<ConnectionRegistry>();
        string[] all = [.. server.Get<MarketFeed.Gateway.Hosting.FeedRuntime>().Universe.Symbols.Select(s => s.Name)];

        await using var attacker = await RawFeedClient.ConnectAsync(server.WebSocketUri, receiveBufferBytes: 4096);

        // The client's handshake completes before the server's handler registers the connection:
        // wait for it (bounded) instead of racing it (seen failing under two busy loops).
        for (int i = 0; i < 500 && registry.Count == 0; i++)
        {
            await Task.Delay(10, ct);
        }

        Connection connection = registry.Connections.Single();

        // Full-mode resubscribes of every symbol: each queues an ack and a snapshot per symbol. The
        // attacker reads nothing, so once the socket buffers are full everything piles up.
        long peak = 0;
        int sent = 0;
        for (; sent < 2000 && connection.CloseCode == 0; sent++)
        {
            await attacker.SendAsync(RawFeedClient.Subscribe(sent + 1, DeliveryMode.Full, all), ct);
            peak = Math.Max(peak, connection.QueuedBytes());
        }

        // The subscribes may still sit in the socket buffers (SendAsync completes when the kernel
        // takes them; seen under two busy loops): wait, bounded, for the server to reach the ceiling.
        for (int i = 0; i < 3000 && connection.CloseCode == 0; i++)
        {
            await Task.Delay(10, ct);
            peak = Math.Max(peak, connection.QueuedBytes());
        }

        Assert.True(connection.CloseCode == CloseCodes.PolicyViolation, $"close code {connection.CloseCode} after {sent} subscribes: the ceiling never closed the connection");

        // Replies and snapshots were freed at once (the full-mode queue is a fixed-size ring; a few
        // ticks may sit in it). A ceiling check runs after every message, so at most one message's
        // worth (an ack and 312 snapshots) ever got past it.
        Assert.True(connection.QueuedBytes() < 16 * 1024, $"{connection.QueuedBytes()} bytes still queued after the close");
        Assert.True(peak < ceiling + (64 * 1024), $"queued {peak} bytes, ceiling {ceiling}");

        // Reading now, the attacker finds the reason and the close code.
        var seen = new List<ServerMessage>();
        Assert.Null(await attacker.ReceiveUntilAsync(_ => false, ct, seen));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, attacker.CloseStatus);
        Assert.True(
            seen.OfType<ErrorMessage>().Any(e => e.Code == 422 && e.Message.Contains("queued", StringComparison.Ordinal)),
            $"no 422 among {seen.Count} messages; last: {string.Join(" | ", seen.TakeLast(5))}; errors: {string.Join(" | ", seen.OfType<ErrorMessage>())}");
    }

    [Fact]
    public async Task EndlessContinuationFrames_AreClosedWith1009_OnceTheyPassTheLimit()
    {
        await using var server = await FeedServer.StartAsync("--Feed:MaxControlMessageBytes=4096");
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        var ct = Timeout();
        var seen = new List<ServerMessage>();
        Task<ServerMessage?> reader = client.ReceiveUntilAsync(_ => false, ct, seen);

        // One message that never ends: 16 KB continuation frames, at most 64 MB in all.
        var chunk = new byte[16 * 1024];
        long sentBytes = 0;
        try
        {
            while (sentBytes < 64L << 20 && !reader.IsCompleted)
            {
                await client.Socket.SendAsync(chunk, WebSocketMessageType.Binary, endOfMessage: false, ct);
                sentBytes += chunk.Length;
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException)
        {
            // The server stopped reading and closed: expected.
        }

        Assert.Null(await reader);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, client.CloseStatus);
        Assert.Contains(seen.OfType<ErrorMessage>(), e => e.Code == 413);
        Assert.True(sentBytes < 16L << 20, $"the server read {sentBytes} bytes of one message before closing");
    }

    [Fact]
    public async Task MessageAnnouncingTwoToThe62Bytes_IsClosedWith1009_AfterTheLimit()
    {
        await using var server = await FeedServer.StartAsync("--Feed:MaxControlMessageBytes=4096");
        var ct = Timeout();
        await using var socket = await RawTcpWebSocket.ConnectAsync(server.WebSocketUri, ct);
        var frames = new List<byte[]>();
        Task<int?> reader = socket.ReadUntilCloseAsync(ct, frames);

        await socket.WriteFrameHeaderAsync(opcode: 2, fin: true, length: 1L << 62, ct);
        var chunk = new byte[16 * 1024];
        long sentBytes = 0;
        try
        {
            while (sentBytes < 64L << 20 && !reader.IsCompleted)
            {
                await socket.WriteAsync(chunk, ct);
                sentBytes += chunk.Length;
            }
        }
        catch (IOException)
        {
            // The server closed the connection: expected.
        }

        Assert.Equal(1009, await reader);
        Assert.Contains(frames.SelectMany(f => FrameDecoder.Decode(f)).OfType<ErrorMessage>(), e => e.Code == 413);
        Assert.True(sentBytes < 16L << 20, $"the server read {sentBytes} bytes of one message before closing");
    }

    [Fact]
    public async Task ConnectionStorm_AcceptsExactlyMaxConnections()
    {
        const int max = 8;
        const int storm = 200;
        await using var server = await FeedServer.StartAsync("--Feed:MaxConnections=" + max, "--Feed:Source=none");
        var ct = Timeout(60);
        var registry = server.Get<ConnectionRegistry>();
        for (int round = 0; round < 3; round++)
        {
            // The TCP connections first, then every upgrade request at once: they race past the check together.
            var sockets = new RawTcpWebSocket[storm];
            for (int i = 0; i < storm; i++)
            {
                sockets[i] = await RawTcpWebSocket.OpenAsync(server.WebSocketUri, ct);
            }

            try
            {
                var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var upgrades = sockets.Select(s => Task.Run(async () =>
                {
                    await go.Task;
                    await s.SendUpgradeRequestAsync(server.WebSocketUri, ct);
                    return await s.ReadHttpHeadAsync(ct);
                })).ToList();
                go.SetResult();
                string[] heads = await Task.WhenAll(upgrades);

                Assert.Equal(max, heads.Count(h => h.StartsWith("HTTP/1.1 101", StringComparison.Ordinal)));
                Assert.Equal(storm - max, heads.Count(h => h.StartsWith("HTTP/1.1 503", StringComparison.Ordinal)));
                Assert.True(registry.Count <= max);
            }
            finally
            {
                foreach (var s in sockets)
                {
                    await s.DisposeAsync();
                }
            }

            // All places come back once the server has let the connections go.
            for (int i = 0; i < 1000 && registry.Reserved > 0; i++)
            {
                await Task.Delay(10, ct);
            }

            Assert.Equal(0, registry.Reserved);
        }
    }

    [Fact]
    public async Task TcpConnectionThatNeverCompletesTheUpgrade_IsClosedAfterTheHandshakeTimeout()
    {
        await using var server = await FeedServer.StartAsync("--Feed:HandshakeTimeoutMs=1000", "--Feed:Source=none");
        var ct = Timeout();

        // One sends nothing at all, one sends half a request.
        await using var silent = await RawTcpWebSocket.OpenAsync(server.WebSocketUri, ct);
        await using var partial = await RawTcpWebSocket.OpenAsync(server.WebSocketUri, ct);
        await partial.WriteAsync(Encoding.ASCII.GetBytes("GET /ws/v1 HTTP/1.1\r\nHost: x\r\n"), ct);
        var started = System.Diagnostics.Stopwatch.StartNew();

        Assert.True(await silent.ServerClosedAsync(ct));
        Assert.True(await partial.ServerClosedAsync(ct));

        // Kestrel checks its timeouts about once a second: closed within the timeout plus that tick.
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(8), $"closed after {started.Elapsed}");
    }
}
