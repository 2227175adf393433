using System.Runtime.CompilerServices;
using MarketFeed.Core;
using MarketFeed.Engine;
using MarketFeed.Testing;

namespace MarketFeed.UnitTests.Engine;

public sealed class LowLevelTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

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
        // Each producer publishes its progress with a release store only (no full fence before
        // Set), as the engine's tick path does, and every few items waits for the consumer to have
        // seen it, so the consumer goes to sleep and is woken thousands of times. A Set lost in
        // the race between the consumer's read and its wait leaves the consumer asleep with work
        // outstanding: its WaitAsync then times out and the test fails.
        var signal = new SenderSignal();
        const int producerCount = 2;
        const int perProducer = 20_000;
        const int handOffEvery = 8;
        var progress = new long[producerCount * 16]; // 128 bytes apart: no false sharing
        var seenByConsumer = new long[producerCount * 16];
        var deadline = DateTime.UtcNow + Timeout;
        var producers = Enumerable.Range(0, producerCount).Select(p => Task.Factory.StartNew(
            () =>
            {
                var spinner = default(SpinWait);
                for (long i = 1; i <= perProducer; i++)
                {
                    Volatile.Write(ref progress[p * 16], i);
                    signal.Set();
                    while (i % handOffEvery == 0 && Volatile.Read(ref seenByConsumer[p * 16]) < i && DateTime.UtcNow < deadline)
                    {
                        spinner.SpinOnce();
                    }
                }
            },
            TaskCreationOptions.LongRunning)).ToArray();

        int wakeUps = 0;
        while (true)
        {
            bool all = true;
            for (int p = 0; p < producerCount; p++)
            {
                long seen = Volatile.Read(ref progress[p * 16]);
                Volatile.Write(ref seenByConsumer[p * 16], seen);
                all &= seen == perProducer;
            }

            if (all)
            {
                break;
            }

            await signal.WaitAsync().AsTask().WaitAsync(Timeout);
            wakeUps++;
        }

        await Task.WhenAll(producers).WaitAsync(Timeout);
        Assert.True(wakeUps >= perProducer / handOffEvery, $"only {wakeUps} wake-ups: the race was not exercised");
    }

    [Fact]
    public void TickJournal_ConcurrentReader_ReadsEveryTickInOrderOrDetectsTheLap()
    {
        var journal = new TickJournal(1024);
        const int total = 2_000_000;
        var writer = Task.Run(() =>
        {
            for (int i = 1; i <= total; i++)
            {
                // Every field carries the position: a torn entry (half old lap, half new) cannot pass.
                var tick = new Tick { Sequence = i, Timestamp = i, BidPrice = i, AskPrice = i, ReceiveTimestamp = i };
                journal.Append(tick);
            }
        });

        long position = 0;
        long laps = 0;
        var deadline = DateTime.UtcNow + Timeout;
        while (position < total && DateTime.UtcNow < deadline)
        {
            long end = journal.GlobalSequence;
            if (position < end && journal.IsOverwritten(position))
            {
                laps++;
                position = journal.OldestPosition + 1; // a reader in the engine would be dropped here
                continue;
            }

            for (; position < end; position++)
            {
                Tick copy = journal.At(position);
                if (journal.IsOverwritten(position))
                {
                    laps++;
                    break;
                }

                long p = position + 1;
                Assert.True(copy.Sequence == p && copy.Timestamp == p && copy.BidPrice == p && copy.AskPrice == p && copy.ReceiveTimestamp == p, $"entry {p} torn or out of order: {copy}");
            }
        }

        Assert.True(writer.Wait(Timeout));
        Assert.Equal(total, journal.GlobalSequence);
        Assert.True(journal.TryRead(total - 1, out Tick last));
        Assert.Equal(total, last.Sequence);
        Assert.False(journal.TryRead(total - 1024, out _)); // its slot holds a newer lap
        Assert.False(journal.TryRead(total, out _));        // not written yet
        Assert.True(position >= total || laps > 0);
    }

    [Fact]
    public void TickJournal_KeepsCapacityMinusOneTicksIntact()
    {
        var journal = new TickJournal(10); // rounded up to 16
        Assert.Equal(16, journal.Capacity);
        for (int i = 1; i <= 40; i++)
        {
            journal.Append(new Tick { Sequence = i });
        }

        Assert.Equal(40, journal.GlobalSequence);
        Assert.Equal(25, journal.OldestPosition);
        Assert.True(journal.IsOverwritten(24));
        Assert.False(journal.IsOverwritten(25));
        Assert.True(journal.TryRead(25, out Tick oldest));
        Assert.Equal(26, oldest.Sequence);
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
        var engine = new ConflationEngine(TestUniverse.Create(4), new EngineSettings(JournalCapacity: 1 << 16));
        using var conflated = engine.CreateSubscriber(new SenderSignal());
        using var full = engine.CreateSubscriber(new SenderSignal());
        for (int i = 0; i < 4; i++)
        {
            conflated.Subscribe(i, DeliveryMode.Conflated);
            full.Subscribe(i, DeliveryMode.Full);
        }

        // The first round warms every path up (JIT tiers, first-use type loads); the second is measured.
        for (int round = 0; round < 2; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10_000; i++)
            {
                var tick = Tick.NewQuote(i & 3, i, 1, 1, 2, 1);
                engine.Publish(ref tick);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (round == 1)
            {
                Assert.Equal(0, allocated);
            }
        }
    }
}
