using MarketFeed.Core;
using MarketFeed.Engine;
using MarketFeed.Gateway.Sending;
using MarketFeed.Protocol;
using MarketFeed.Testing;

namespace MarketFeed.IntegrationTests;

/// <summary>The per-tick path from publish to encoded frame bytes allocates nothing.</summary>
public sealed class HotPathAllocationTests
{
    [Fact]
    public void TickIn_FrameOut_ConflatedAndFull_AllocatesNothing()
    {
        const int symbols = 8;
        var engine = new ConflationEngine(TestUniverse.Create(symbols), new EngineSettings(JournalCapacity: 1 << 16));
        var cache = new EncodedMessageCache(symbols);
        using var conflated = engine.CreateSubscriber(new SenderSignal());
        using var full = engine.CreateSubscriber(new SenderSignal());
        for (int i = 0; i < symbols; i++)
        {
            conflated.Subscribe(i, DeliveryMode.Conflated);
            full.Subscribe(i, DeliveryMode.Full);
        }

        using var frame = new FrameBuilder(64 * 1024);
        long frames = 0;

        // Round 0 warms up (JIT tiers, first-use type loads, the frame buffer's growth); round 1 is measured.
        for (int round = 0; round < 2; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20_000; i++)
            {
                Tick tick = (i & 3) == 3
                    ? Tick.NewTrade(i % symbols, i, 10_000 + (i & 15), 5, TradeSide.Buy)
                    : Tick.NewQuote(i % symbols, i, 9_990, 10 + (i & 7), 10_010, 10);
                engine.Publish(ref tick);
                if (i % 64 == 63)
                {
                    frames += Drain(conflated, frame, cache) + Drain(full, frame, cache);
                }
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (round == 1)
            {
                Assert.Equal(0, allocated);
            }
        }

        Assert.True(frames > 0);
    }

    [Fact]
    public void TickIn_FrameOut_WithTheWriteDelaysFlushClock_AllocatesNothing()
    {
        // Feed:WriteDelayMs: a parked sender's signal is deferred to the flush clock on the tick
        // path, and the clock wakes it; neither may allocate once warm.
        const int symbols = 8;
        var engine = new ConflationEngine(TestUniverse.Create(symbols), new EngineSettings(JournalCapacity: 1 << 16));
        var cache = new EncodedMessageCache(symbols);
        using var clock = new FlushClock(TimeSpan.FromDays(1), TimeProvider.System); // ticked by hand
        var conflatedSignal = new SenderSignal(clock);
        var fullSignal = new SenderSignal(clock);
        using var conflated = engine.CreateSubscriber(conflatedSignal, deferDataWakes: true);
        using var full = engine.CreateSubscriber(fullSignal, deferDataWakes: true);
        for (int i = 0; i < symbols; i++)
        {
            conflated.Subscribe(i, DeliveryMode.Conflated);
            full.Subscribe(i, DeliveryMode.Full);
        }

        using var frame = new FrameBuilder(64 * 1024);
        long frames = 0;
        int notParked = 0;
        int notDeferred = 0;
        for (int round = 0; round < 2; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20_000; i++)
            {
                if (i % 64 == 0 && !(Park(conflatedSignal) && Park(fullSignal)))
                {
                    notParked++;
                }

                Tick tick = (i & 3) == 3
                    ? Tick.NewTrade(i % symbols, i, 10_000 + (i & 15), 5, TradeSide.Buy)
                    : Tick.NewQuote(i % symbols, i, 9_990, 10 + (i & 7), 10_010, 10);
                engine.Publish(ref tick);
                if (i % 64 == 63)
                {
                    if (round == 1 && clock.PendingCount != 2)
                    {
                        notDeferred++; // both parked senders must have been deferred (round 0 starts with the subscribes' snapshots pending)
                    }

                    clock.Tick();
                    frames += Drain(conflated, frame, cache) + Drain(full, frame, cache);
                }
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (round == 1)
            {
                Assert.Equal(0, allocated);
            }
        }

        Assert.True(frames > 0);
        Assert.Equal(0, notParked);
        Assert.Equal(0, notDeferred);
    }

    /// <summary>The sender's side of the signal: it waits (nothing awaits here; the clock completes it).</summary>
    private static bool Park(SenderSignal signal)
    {
        // A signal left pending (the subscribe's wake) completes the first wait at once, as a sender's would.
        for (int attempt = 0; attempt < 2; attempt++)
        {
#pragma warning disable CA2012 // deliberately not awaited: the test plays the sender parking, the clock's tick completes it
            ValueTask wait = signal.WaitAsync();
#pragma warning restore CA2012
            if (!wait.IsCompleted)
            {
                return true;
            }
        }

        return false;
    }

    private static int Drain(Subscriber subscriber, FrameBuilder frame, EncodedMessageCache cache)
    {
        int frames = 0;
        DrainResult result;
        do
        {
            frame.Reset();
            var sink = new FrameSink(frame, cache, 16 * 1024);
            result = subscriber.Drain(ref sink, 0);
            Assert.False(result.Overflowed);
            if (!frame.IsEmpty)
            {
                frame.Complete();
                frames++;
            }
        }
        while (result.HasMore);

        return frames;
    }
}
