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
        var ct = new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;
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
        Assert.Contains("ping_timeout\"} 1", server.Get<FeedMetrics>().ToPrometheusText(), StringComparison.Ordinal);

        // The reading client answered every ping (its WebSocket does it while it reads) and is still there.
        Assert.Contains(registry.Connections, c => c.Id == readingId && c.CloseCode == 0);
        Assert.False(reader.IsCompleted);
        Assert.Equal(WebSocketState.Open, reading.Socket.State);
    }
}
