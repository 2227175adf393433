using MarketFeed.Core;
using MarketFeed.Core.Bars;
using MarketFeed.Engine;
using MarketFeed.Gateway.Bars;
using MarketFeed.Gateway.Sending;
using MarketFeed.Protocol;
using MarketFeed.Testing;

namespace MarketFeed.IntegrationTests;

/// <summary>The live bar store and a connection's bar updates, as components: what a frame gets, its cost, its consistency.</summary>
public sealed class LiveBarUpdatesTests
{
    private static readonly long T0 = 1_700_000_040L * UnixTime.NanosPerSecond; // a whole minute, UTC
    private static readonly BarInterval Minute = BarInterval.Parse("1m");
    private static readonly BarInterval Second = BarInterval.Parse("1s");

    private static long Sec(double s) => (long)(s * UnixTime.NanosPerSecond);

    private static Tick Trade(int id, long at, long price, long size) => Tick.NewTrade(id, at, price, size, TradeSide.Buy);

    [Fact]
    public void Flush_SendsTouchedSymbolsChangedBars_ClosedBarOnRollover_NothingElse()
    {
        var store = new LiveBarStore(2, [(Minute, 10), (Second, 10)]);
        var bars = new BarSubscriptions(store);
        using var frame = new FrameBuilder();
        List<BarUpdateMessage> Flush()
        {
            frame.Reset();
            bars.Flush(frame);
            return [.. FrameDecoder.Decode(frame.Complete()).Cast<BarUpdateMessage>()];
        }

        bars.Set(0, 0b01); // 1m only
        Assert.Empty(Flush()); // no bar yet

        store.OnTick(Trade(0, T0 + Sec(1), 100, 5));
        Assert.Empty(Flush()); // not touched: nothing was handed on
        bars.Touch(0);
        var first = Assert.Single(Flush());
        Assert.Equal((0, "1m", new BarEntry(T0, 100, 100, 100, 100, 5, 1, BarBasis.Trades, false)), (first.SymbolId, first.Interval, first.Bar));

        bars.Touch(0);
        Assert.Empty(Flush()); // unchanged since sent
        store.OnTick(Trade(1, T0 + Sec(2), 7, 1));
        bars.Touch(1);
        Assert.Empty(Flush()); // symbol 1 has no bar updates

        store.OnTick(Trade(0, T0 + Sec(30), 110, 1));
        store.OnTick(Trade(0, T0 + Sec(31), 105, 1));
        bars.Touch(0);
        Assert.Equal(new BarEntry(T0, 100, 110, 100, 105, 7, 3, BarBasis.Trades, false), Assert.Single(Flush()).Bar); // conflated: one update

        store.OnTick(Trade(0, T0 + Sec(61), 90, 2));
        bars.Touch(0);
        Assert.Equal(
            [new BarEntry(T0, 100, 110, 100, 105, 7, 3, BarBasis.Trades, true), new BarEntry(T0 + Sec(60), 90, 90, 90, 90, 2, 1, BarBasis.Trades, false)],
            Flush().Select(u => u.Bar));

        // Two minutes pass between frames: the bar before the newest goes out closed, then the newest.
        store.OnTick(Trade(0, T0 + Sec(125), 80, 1));
        store.OnTick(Trade(0, T0 + Sec(185), 81, 1));
        bars.Touch(0);
        Assert.Equal([(T0 + Sec(120), true), (T0 + Sec(180), false)], Flush().Select(u => (u.Bar.Start, u.Bar.Closed)));

        // Adding an interval sends its newest bar with the next frame, untouched; removing stops all.
        bars.Set(0, 0b11);
        Assert.Equal([("1m", T0 + Sec(180)), ("1s", T0 + Sec(185))], Flush().Select(u => (u.Interval, u.Bar.Start)));
        Assert.True(bars.Remove(0));
        store.OnTick(Trade(0, T0 + Sec(186), 82, 1));
        bars.Touch(0);
        Assert.Empty(Flush());

        // A replay's ids are shifted on the wire.
        var shifted = new BarSubscriptions(store, 1 << 20);
        shifted.Set(0, 0b10);
        frame.Reset();
        shifted.Flush(frame);
        Assert.Equal((1 << 20) + 0, Assert.IsType<BarUpdateMessage>(Assert.Single(FrameDecoder.Decode(frame.Complete()))).SymbolId);
    }

    [Fact]
    public void TickIn_BarUpdatesOut_ConflatedAndFull_AllocatesNothing()
    {
        const int symbols = 8;
        var engine = new ConflationEngine(TestUniverse.Create(symbols), new EngineSettings(JournalCapacity: 1 << 16));
        var store = new LiveBarStore(symbols, [(Second, 8), (Minute, 4)]);
        engine.AddObserver(store);
        using var conflated = engine.CreateSubscriber(new SenderSignal());
        using var full = engine.CreateSubscriber(new SenderSignal());
        var conflatedBars = new BarSubscriptions(store);
        var fullBars = new BarSubscriptions(store);
        for (int i = 0; i < symbols; i++)
        {
            conflated.Subscribe(i, DeliveryMode.Conflated);
            full.Subscribe(i, DeliveryMode.Full);
            conflatedBars.Set(i, 0b11);
            fullBars.Set(i, 0b11);
        }

        using var frame = new FrameBuilder(64 * 1024);
        long updates = 0;
        long clock = T0;

        // Round 0 warms up (JIT, first ticks create the series, which grow to capacity); round 1 is measured.
        for (int round = 0; round < 2; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 40_000; i++)
            {
                clock += UnixTime.NanosPerMillisecond; // 40 s of feed per round: bars open and roll
                Tick tick = (i & 3) == 3
                    ? Tick.NewTrade(i % symbols, clock, 10_000 + (i & 15), 5, TradeSide.Buy)
                    : Tick.NewQuote(i % symbols, clock, 9_990, 10 + (i & 7), 10_010, 10);
                engine.Publish(ref tick);
                if (i % 64 == 63)
                {
                    updates += Drain(conflated, conflatedBars, frame) + Drain(full, fullBars, frame);
                }
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (round == 1)
            {
                Assert.Equal(0, allocated);
            }
        }

        Assert.True(updates > 0);
    }

    [Fact]
    public void ReadersNeverSeeATornBar_WhileTheWriterUpdatesAndRollsBars()
    {
        // Every tick is a trade one unit above the last, size 1: a consistent bar has
        // count == volume == close - open + 1 and high == close. A torn copy breaks that.
        var store = new LiveBarStore(1, [(Second, 4)]);
        using var started = new ManualResetEventSlim();
        bool stop = false;
        long written = 0;
        var writer = Task.Run(() =>
        {
            long price = 1;
            long at = T0;
            while (!Volatile.Read(ref stop))
            {
                for (int i = 0; i < 1000; i++)
                {
                    at += 997_000; // about 1000 ticks a bar, so reads see both in-place updates and rollovers
                    long barStart = Second.BarStart(at);
                    price = at - barStart < 997_000 ? 1 : price + 1; // each bar's trades count up from 1
                    store.OnTick(Trade(0, at, price, 1));
                }

                Interlocked.Add(ref written, 1000);
                started.Set();
            }
        });

        Assert.True(started.Wait(TimeSpan.FromSeconds(30)), "the writer never ran");
        long reads = 0;
        var failures = new List<string>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < 300 && reads < 50_000_000 && failures.Count == 0)
        {
            int held = store.TryReadNewest(0, 0, out Bar newest, out Bar previous);
            if (held > 0 && !(newest.Count == newest.Volume && newest.Close - newest.Open + 1 == newest.Count && newest.High == newest.Close && newest.Open == 1))
            {
                failures.Add($"torn newest: {newest.Open}/{newest.High}/{newest.Close} vol {newest.Volume} count {newest.Count}");
            }

            if (held == 2 && previous.Start + Sec(1) != newest.Start)
            {
                failures.Add($"previous {previous.Start} is not the bar before newest {newest.Start}");
            }

            reads++;
        }

        Volatile.Write(ref stop, true);
        Assert.True(writer.Wait(TimeSpan.FromSeconds(30)));
        Assert.Empty(failures);
        Assert.True(reads > 0 && Interlocked.Read(ref written) > 0);
    }

    private static int Drain(Subscriber subscriber, BarSubscriptions bars, FrameBuilder frame)
    {
        int updates = 0;
        DrainResult result;
        do
        {
            frame.Reset();
            var sink = new BarTouchingSink(new FrameSink(frame, null, 16 * 1024), bars);
            result = subscriber.Drain(ref sink, 0);
            updates += bars.Flush(frame);
            if (!frame.IsEmpty)
            {
                frame.Complete();
            }
        }
        while (result.HasMore);

        return updates;
    }
}
