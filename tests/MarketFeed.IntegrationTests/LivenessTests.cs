using System.Net.WebSockets;
using MarketFeed.Gateway.Connections;
using MarketFeed.Gateway.Diagnostics;
using MarketFeed.Protocol;

namespace MarketFeed.IntegrationTests;

/// <summary>Issue 13 part 4: a client that stops answering pings but keeps its socket open is found and dropped (4004).</summary>
public sealed class LivenessTests
{
    [Fact]
    public async Task ClientThatStopsAnsweringPings_IsDropped_WhileAReadingClientStays()
    {
        await using var server = await FeedServer.StartAsync("--Feed:Source=none", "--Feed:PingIntervalMs=200", "--Feed:PingTimeoutMs=800");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ct = timeout.Token;
        var registry = server.Get<ConnectionRegistry>();

        // The silent client reads its welcome, then never reads again: its WebSocket answers no ping.
        await using var silent = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        var silentId = (string?)Assert.IsType<StatusMessage>(await silent.ReceiveUntilAsync(m => m is StatusMessage, ct)).Details["connectionId"];
        await using var reading = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        var readingId = (string?)Assert.IsType<StatusMessage>(await reading.ReceiveUntilAsync(m => m is StatusMessage, ct)).Details["connectionId"];
        Task<ServerMessage?> reader = reading.ReceiveUntilAsync(_ => false, ct);
        Connection silentConnection = registry.Connections.Single(c => c.Id == silentId);
        var started = System.Diagnostics.Stopwatch.StartNew();

        for (int i = 0; i < 1000 && registry.Connections.Any(c => c.Id == silentId); i++)
        {
            await Task.Delay(10, ct);
        }

        Assert.Equal(CloseCodes.PingTimeout, silentConnection.CloseCode);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"found after {started.Elapsed}");
        Assert.Equal(1, server.Get<FeedMetrics>().DropsPingTimeout);

        // The reading client answered every ping (its WebSocket does it while it reads) and is still there.
        Assert.Contains(registry.Connections, c => c.Id == readingId && c.CloseCode == 0);
        Assert.False(reader.IsCompleted);
        Assert.Equal(WebSocketState.Open, reading.Socket.State);
    }

    [Fact]
    public async Task SendPendingForHalfTheSlowConsumerTimeout_SendsLaggingWithReasonSend_BeforeTheDrop()
    {
        await using var server = await FeedServer.StartAsync("--rate", "20000", "--Feed:SlowConsumerTimeoutMs=4000", "--Feed:PingIntervalMs=0", "--Feed:SocketSendBufferBytes=16384");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ct = timeout.Token;
        string[] all = [.. server.Get<MarketFeed.Gateway.Hosting.FeedRuntime>().Universe.Symbols.Select(s => s.Name)];
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri, receiveBufferBytes: 4096);
        await client.SendAsync(RawFeedClient.Subscribe(1, MarketFeed.Core.DeliveryMode.Conflated, all), ct);
        Assert.NotNull(await client.ReceiveUntilAsync(m => m is SubscribeAckMessage, ct));

        // The scenario itself: the client stops reading for 3.5 s (past half the 4 s timeout, short of
        // the drop). The server's sends pend once the (small) socket buffers are full.
        await Task.Delay(TimeSpan.FromSeconds(3.5), ct);

        var seen = new List<ServerMessage>();
        var lagging = Assert.IsType<StatusMessage>(await client.ReceiveUntilAsync(m => m is StatusMessage { State: "lagging" }, ct, seen));
        Assert.Equal("send", (string?)lagging.Details["reason"]);
        Assert.True((long?)lagging.Details["sendPendingMs"] >= 2000);
        var caughtUp = Assert.IsType<StatusMessage>(await client.ReceiveUntilAsync(m => m is StatusMessage { State: "caught_up" }, ct, seen));
        Assert.Equal("send", (string?)caughtUp.Details["reason"]);
        Assert.Equal(WebSocketState.Open, client.Socket.State);
    }
}
