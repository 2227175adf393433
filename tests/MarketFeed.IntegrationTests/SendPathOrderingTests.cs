using MarketFeed.Core;
using MarketFeed.Gateway.Hosting;
using MarketFeed.Protocol;
using MarketFeed.Sources.TickLog;
using MarketFeed.Testing;

namespace MarketFeed.IntegrationTests;

/// <summary>
/// The send path over a real socket: a replay's end never overtakes its data, even when its last
/// updates take many frames; a tick published just before the sender parks goes out at once.
/// </summary>
public sealed class SendPathOrderingTests
{
    private const int WideSymbols = 3_000;
    private const int TicksPerSymbol = 4;

    [Theory]
    [InlineData(DeliveryMode.Conflated)]
    [InlineData(DeliveryMode.Full)]
    public async Task ReplayOfThousandsOfSymbols_EndNeverOvertakesTheData(DeliveryMode mode)
    {
        using var dir = new TempDirectory();
        Tick[] ticks = WriteWideDataset(dir.File("wide.mflog"));
        var lastQuote = new long[WideSymbols];
        var lastTrade = new long[WideSymbols];
        foreach (Tick t in ticks)
        {
            (t.Kind == TickKind.Quote ? lastQuote : lastTrade)[t.SymbolId] = t.Sequence;
        }

        // Small frames: the last updates of 3,000 symbols take dozens of frames after the loop has published them.
        await using var server = await FeedServer.StartAsync("--Feed:Source=none", "--Replay:DataDirectory=" + dir.Path, "--Feed:MaxFrameBytes=4096", "--Feed:MaxSymbolsPerConnection=4000");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        for (int run = 1; run <= 3; run++)
        {
            // A connection per run: the server may still hold the ended session for a moment (409 for a new one).
            await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri);
            await client.SendAsync(new ControlRequest { Op = "replay", Id = run, Dataset = "wide", Speed = double.PositiveInfinity, Mode = mode }, cts.Token);
            ReplayStartMessage? start = null;
            var quoteSeq = new Dictionary<int, long>();
            var tradeSeq = new Dictionary<int, long>();
            long received = 0;
            var end = await client.ReceiveUntilAsync(
                m =>
                {
                    switch (m)
                    {
                        case ReplayStartMessage s when s.RequestId == run:
                            start = s;
                            break;
                        case SnapshotMessage s:
                            quoteSeq[s.State.SymbolId] = s.State.QuoteSequence;
                            tradeSeq[s.State.SymbolId] = s.State.TradeSequence;
                            break;
                        case QuoteMessage q:
                            quoteSeq[q.SymbolId] = q.Sequence;
                            received++;
                            break;
                        case TradeMessage t:
                            tradeSeq[t.SymbolId] = t.Sequence;
                            received++;
                            break;
                    }

                    return m is ReplayEndMessage or ErrorMessage;
                },
                cts.Token);
            var endMessage = Assert.IsType<ReplayEndMessage>(end is ErrorMessage e ? throw new InvalidOperationException($"run {run}: {e}") : end);
            Assert.Equal("completed", endMessage.Reason);
            Assert.NotNull(start);

            // Everything was there before the end: every symbol's last quote and trade (full mode: every tick).
            var ids = start.Symbols.ToDictionary(s => s.Symbol, s => s.SymbolId);
            Assert.Equal(WideSymbols, ids.Count);
            for (int i = 0; i < WideSymbols; i++)
            {
                int id = ids[Name(i)];
                Assert.True(quoteSeq.GetValueOrDefault(id) == lastQuote[i] && tradeSeq.GetValueOrDefault(id) == lastTrade[i], $"run {run}: {Name(i)}'s last values came after the replay end");
            }

            if (mode == DeliveryMode.Full)
            {
                Assert.Equal(ticks.Length, received);
            }

            // And nothing of the replay after it: a ping sent now is answered before any late data could be missed.
            await client.SendAsync(new ControlRequest { Op = "ping", Id = 1000 + run }, cts.Token);
            var late = new List<ServerMessage>();
            await client.ReceiveUntilAsync(m => m is PongMessage p && p.RequestId == 1000 + run, cts.Token, late);
            Assert.DoesNotContain(late, m => m is QuoteMessage or TradeMessage or SnapshotMessage);
        }
    }

    [Theory]
    [InlineData(DeliveryMode.Full)]
    [InlineData(DeliveryMode.Conflated)]
    public async Task TickPublishedAsTheSenderParks_IsSentAtOnce_NotAtTheNextHeartbeat(DeliveryMode mode)
    {
        // The only writer is this test (no source); heartbeats a minute apart: a lost wake-up stalls a round.
        await using var server = await FeedServer.StartAsync("--Feed:Source=none", "--Feed:HeartbeatIntervalMs=60000", "--Feed:PingIntervalMs=0");
        FeedRuntime runtime = server.Get<FeedRuntime>();
        Assert.True(runtime.Universe.TryGet("AAPL", out SymbolInfo aapl));
        using var total = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        await client.SendAsync(RawFeedClient.Subscribe(1, mode, "AAPL"), total.Token);
        var snapshot = Assert.IsType<SnapshotMessage>(await client.ReceiveUntilAsync(m => m is SnapshotMessage, total.Token));
        long seq = snapshot.State.Sequence;

        const int rounds = 2_000;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (int round = 0; round < rounds && watch.Elapsed < TimeSpan.FromSeconds(90); round++)
        {
            // One tick wakes the sender; a second follows 0-200 µs later (swept over the rounds), so that
            // it lands at every point of the sender's drain, send and parking. It must go out at once,
            // far sooner than the next heartbeat.
            Tick first = Tick.NewQuote(aapl.Id, round, 1_000_000 + round, 100, 1_000_100 + round, 100);
            runtime.Engine.Publish(ref first);
            long until = System.Diagnostics.Stopwatch.GetTimestamp() + (round % 100 * 2 * System.Diagnostics.Stopwatch.Frequency / 1_000_000);
            while (System.Diagnostics.Stopwatch.GetTimestamp() < until)
            {
                Thread.SpinWait(10); // a busy delay inside the round, not a wait for a result
            }

            Tick second = Tick.NewTrade(aapl.Id, round, 1_000_050 + round, 10, TradeSide.Buy);
            runtime.Engine.Publish(ref second);
            seq += 2;
            using var roundTimeout = CancellationTokenSource.CreateLinkedTokenSource(total.Token);
            roundTimeout.CancelAfter(TimeSpan.FromSeconds(10));
            try
            {
                await client.ReceiveUntilAsync(m => m is TradeMessage t && t.Sequence >= seq, roundTimeout.Token);
            }
            catch (OperationCanceledException) when (!total.IsCancellationRequested)
            {
                Assert.Fail($"round {round}: tick {seq} published, not sent within 10 s (heartbeat 60 s): lost wake-up");
            }
        }
    }

    private static string Name(int i) => "W" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A dataset of <see cref="WideSymbols"/> symbols, <see cref="TicksPerSymbol"/> ticks each (quotes and trades), 1 µs apart.</summary>
    private static Tick[] WriteWideDataset(string path)
    {
        var symbols = new TickLogSymbol[WideSymbols];
        for (int i = 0; i < WideSymbols; i++)
        {
            symbols[i] = new TickLogSymbol(Name(i), 4, 0);
        }

        const long start = 1_700_000_000_000_000_000;
        var ticks = new Tick[WideSymbols * TicksPerSymbol];
        var volume = new long[WideSymbols];
        var trades = new long[WideSymbols];
        for (int n = 0; n < ticks.Length; n++)
        {
            int id = n % WideSymbols;
            long seq = (n / WideSymbols) + 1;
            Tick t;
            if (seq % 2 == 0)
            {
                t = Tick.NewTrade(id, start + (n * 1000L), 1_000_000 + n, 10, TradeSide.Buy);
                t.CumulativeVolume = volume[id] += 10;
                t.TradeCount = ++trades[id];
            }
            else
            {
                t = Tick.NewQuote(id, start + (n * 1000L), 999_000 + n, 5, 1_001_000 + n, 5);
            }

            t.Sequence = seq;
            ticks[n] = t;
        }

        using var writer = TickLogWriter.Create(path, symbols, new TickLogWriterOptions { Source = "test" });
        writer.Append(ticks);
        return ticks;
    }
}
