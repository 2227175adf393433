using System.Diagnostics;
using System.Net.WebSockets;
using MarketFeed.Core;
using MarketFeed.Protocol;
using MarketFeed.Sources.TickLog;
using MarketFeed.Testing;
using Xunit.Abstractions;

namespace MarketFeed.IntegrationTests;

/// <summary>
/// SIGTERM to the real server process (issue 13 part 11): every reading client gets close 1001,
/// new upgrades are refused, a client that never reads does not hold the exit up, the recorder's
/// file is closed complete (footer, intact, no gaps), and the process exits 0 within
/// <c>Feed:ShutdownTimeoutMs</c>.
/// </summary>
public sealed class GracefulShutdownTests(ITestOutputHelper output)
{
    private const int ShutdownTimeoutMs = 6000;

    [Fact]
    public async Task Sigterm_ClosesEveryClientWith1001_FlushesTheRecorder_ExitsZeroWithinTheDeadline()
    {
        using var dir = new TempDirectory();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var server = await ServerProcess.StartAsync(
        [
            "--urls", "http://127.0.0.1:0", "--rate", "20000",
            "--Recording:Enabled=true", "--Recording:Directory=" + dir.Path, "--Recording:FlushIntervalMs=200",
            "--Feed:ShutdownTimeoutMs=" + ShutdownTimeoutMs, "--Feed:CloseTimeoutMs=1000",
            "--Feed:SlowConsumerTimeoutMs=60000", // the staller is not dropped as a slow consumer before the deadline
            "--Feed:SocketSendBufferBytes=16384",
        ]);

        // Readers in both modes, each seen streaming.
        var readers = new List<RawFeedClient>(); // each reads all the time below (no lag of its own)
        for (int i = 0; i < 6; i++)
        {
            var c = await RawFeedClient.ConnectAsync(server.WebSocketUri, ct: cts.Token);
            readers.Add(c);
            await c.SendAsync(RawFeedClient.Subscribe(1, i % 2 == 0 ? DeliveryMode.Full : DeliveryMode.Conflated, "AAPL", "MSFT", "NVDA"), cts.Token);
            Assert.NotNull(await c.ReceiveUntilAsync(m => m is QuoteMessage or TradeMessage, cts.Token));
        }

        // Every reader drains in the background until the close.
        Task<WebSocketCloseStatus?>[] closes = [.. readers.Select(c => DrainUntilCloseAsync(c, cts.Token))];

        // A client that subscribes to everything in full mode and never reads: its send stalls.
        await using var staller = await RawFeedClient.ConnectAsync(server.WebSocketUri, receiveBufferBytes: 4096, ct: cts.Token);
        string[] all = [.. File.ReadLines(Path.Combine(TestPaths.Config, "symbols.csv")).Where(l => l.Length > 0 && l[0] != '#').Skip(1).Select(l => l.Split(',')[0])];
        await staller.SendAsync(RawFeedClient.Subscribe(1, DeliveryMode.Full, all), cts.Token);

        // Stalled for sure: its full-mode cursor falls ever further behind the journal (polling the
        // server's own gauge, the largest lag of any connection, bounded; the readers keep up).
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        long lag = 0;
        for (int i = 0; i < 300 && lag < 40_000; i++)
        {
            await Task.Delay(50, cts.Token);
            string metrics = await http.GetStringAsync("/metrics", cts.Token);
            var m = System.Text.RegularExpressions.Regex.Match(metrics, @"^marketfeed_max_queue_depth\S* ([0-9.e+]+)", System.Text.RegularExpressions.RegexOptions.Multiline);
            lag = m.Success ? (long)double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        }

        Assert.True(lag >= 40_000, $"the staller is {lag} ticks behind");

        var watch = Stopwatch.StartNew();
        await server.TerminateAsync();
        WebSocketCloseStatus?[] statuses = await Task.WhenAll(closes).WaitAsync(TimeSpan.FromMilliseconds(ShutdownTimeoutMs), cts.Token);
        output.WriteLine($"all readers closed after {watch.ElapsedMilliseconds} ms");
        Assert.All(statuses, s => Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, s)); // 1001
        Assert.Equal("server shutting down", readers[0].Socket.CloseStatusDescription);

        // Stopping: no new connection (503 while connections close, refused once the listener is gone).
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var late = await RawFeedClient.ConnectAsync(server.WebSocketUri, ct: cts.Token);
        });

        bool exited = await server.WaitForExitAsync(TimeSpan.FromMilliseconds(ShutdownTimeoutMs) - watch.Elapsed);
        output.WriteLine($"exit after {watch.ElapsedMilliseconds} ms, code {(exited ? server.Process.ExitCode : -1)}\n{server.Output}");
        Assert.True(exited, $"still running {ShutdownTimeoutMs} ms after SIGTERM");
        Assert.Equal(0, server.Process.ExitCode);
        Assert.Contains("Shutting down: closing 7 connections with 1001", server.Output, StringComparison.Ordinal);

        // The recorder flushed and closed its file: footer written, intact, every symbol gap-free.
        string file = Assert.Single(Directory.GetFiles(dir.Path, "*.mflog"));
        var summary = TickLogInspector.Inspect(file);
        output.WriteLine($"{summary.Ticks} ticks recorded, {summary.Blocks} blocks");
        Assert.True(summary.HasFooterIndex, "the file has its footer");
        Assert.Equal("intact", summary.State);
        Assert.Empty(summary.Damage);
        Assert.True(summary.Ticks > 0);
        Assert.All(summary.Symbols, s => Assert.Equal(0, s.SequenceGaps));

        foreach (var c in readers)
        {
            await c.DisposeAsync();
        }
    }

    private static async Task<WebSocketCloseStatus?> DrainUntilCloseAsync(RawFeedClient client, CancellationToken ct)
    {
        try
        {
            while (await client.ReceiveFrameAsync(ct) is not null)
            {
            }
        }
        catch (WebSocketException)
        {
            return null; // aborted without a close frame
        }

        return client.CloseStatus;
    }
}
