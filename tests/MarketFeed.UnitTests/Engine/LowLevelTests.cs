using System.Runtime.CompilerServices;
using MarketFeed.Core;
using MarketFeed.Engine;
using MarketFeed.Testing;

namespace MarketFeed.UnitTests.Engine;

public sealed class LowLevelTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public void PaddedLong_KeepsValueAloneOnItsCacheLines()
    {
        Assert.Equal(128, Unsafe.SizeOf<PaddedLong>());
        var padded = default(PaddedLong);
        nint offset = Unsafe.ByteOffset(ref Unsafe.As<PaddedLong, byte>(ref padded), ref Unsafe.As<long, byte>(ref padded.Value));
        Assert.Equal(56, offset);
    }

    [Fact]
    public void Tick_IsOneCacheLine()
    {
        Assert.Equal(64, Unsafe.SizeOf<Tick>());
    }

    [Fact]
    public async Task SenderSignal_SetBeforeWait_CompletesImmediately_AndCoalesces()
    {
        var signal = new SenderSignal();
        signal.Set();
        signal.Set();
        Task first = signal.WaitAsync().AsTask();
        Assert.True(first.IsCompleted);
        Task pending = signal.WaitAsync().AsTask();
        Assert.False(pending.IsCompleted); // the two sets coalesced into one wake-up
        signal.Set();
        await pending.WaitAsync(Timeout);
    }

    [Fact]
    public async Task SenderSignal_ManyConcurrentSetters_NeverLoseAWakeUp()
    {
        var signal = new SenderSignal();
        int produced = 0;
        int consumed = 0;
        const int total = 200_000;
        var producers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < total / 2; i++)
            {
                Interlocked.Increment(ref produced);
                signal.Set();
            }
        })).ToArray();

        while (Volatile.Read(ref consumed) < total)
        {
            await signal.WaitAsync().AsTask().WaitAsync(Timeout);
            consumed = Volatile.Read(ref produced);
        }

        await Task.WhenAll(producers).WaitAsync(Timeout);
        Assert.Equal(total, consumed);
    }

    [Fact]
    public void TickRing_ConcurrentProducerConsumer_PreservesOrderAndLosesNothing()
    {
        var ring = new TickRing(1024);
        const int total = 1_000_000;
        var producer = Task.Run(() =>
        {
            for (int i = 1; i <= total;)
            {
                var tick = new Tick { Sequence = i };
                if (ring.TryEnqueue(tick, 0, 0))
                {
                    i++;
                }
                else
                {
                    Thread.SpinWait(10);
                }
            }
        });

        long expected = 1;
        var deadline = DateTime.UtcNow + Timeout;
        while (expected <= total && DateTime.UtcNow < deadline)
        {
            if (ring.TryDequeue(out QueuedTick item))
            {
                Assert.Equal(expected++, item.Tick.Sequence);
            }
        }

        Assert.True(producer.Wait(Timeout));
        Assert.Equal(total + 1, expected);
        Assert.Equal(0, ring.Count);
    }

    [Fact]
    public void SymbolStateTable_ConcurrentReaders_NeverSeeATornState()
    {
        var table = new SymbolStateTable(1);
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() =>
        {
            long k = 0;
            while (!stop.IsCancellationRequested)
            {
                k++;
                var tick = Tick.NewQuote(0, k, k, k, k, k);
                tick.Sequence = k;
                table.Apply(tick);
            }
        });

        for (int i = 0; i < 200_000; i++)
        {
            table.Read(0, out MarketSnapshot s);
            long k = s.Sequence;
            Assert.True(s.QuoteTimestamp == k && s.BidPrice == k && s.BidSize == k && s.AskPrice == k && s.AskSize == k, $"torn read at {k}");
        }

        stop.Cancel();
        Assert.True(writer.Wait(Timeout));
    }

    [Fact]
    public void TickSequencer_AssignsContiguousPerSymbolSequencesAndAccumulatesTrades()
    {
        var sequencer = new TickSequencer(2);
        var a = Tick.NewTrade(0, 1, 100, 5, TradeSide.Buy);
        var b = Tick.NewQuote(1, 1, 1, 1, 2, 1);
        var c = Tick.NewTrade(0, 2, 101, 7, TradeSide.Sell);
        sequencer.Sequence(ref a);
        sequencer.Sequence(ref b);
        sequencer.Sequence(ref c);
        Assert.Equal((1, 1, 2), (a.Sequence, b.Sequence, c.Sequence));
        Assert.Equal((12L, 2L), (c.CumulativeVolume, c.TradeCount));
    }

    [Fact]
    public void Publish_WithSubscribers_AllocatesNothingPerTick()
    {
        var engine = new ConflationEngine(TestUniverse.Create(4), new EngineSettings(FullQueueCapacity: 1 << 16));
        using var conflated = engine.CreateSubscriber(new SenderSignal());
        using var full = engine.CreateSubscriber(new SenderSignal());
        for (int i = 0; i < 4; i++)
        {
            conflated.Subscribe(i, DeliveryMode.Conflated);
            full.Subscribe(i, DeliveryMode.Full);
        }

        var tick = Tick.NewQuote(0, 1, 1, 1, 2, 1);
        engine.Publish(ref tick); // warm up (JIT)
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            tick = Tick.NewQuote(i & 3, i, 1, 1, 2, 1);
            engine.Publish(ref tick);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
