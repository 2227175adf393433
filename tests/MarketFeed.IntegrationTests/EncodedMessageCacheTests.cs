using MarketFeed.Core;
using MarketFeed.Engine;
using MarketFeed.Testing;
using MarketFeed.Protocol;
using MarketFeed.Gateway.Sending;

namespace MarketFeed.IntegrationTests;

/// <summary>Unit tests of the encode-once cache (one class, no host).</summary>
public sealed class EncodedMessageCacheTests
{
    [Fact]
    public void Hit_CopiesExactlyTheBytesAnotherSenderEncoded()
    {
        var cache = new EncodedMessageCache(4);
        var tick = Tick.NewQuote(2, 123, 100, 5, 101, 6) with { Sequence = 7 };
        using var first = new FrameBuilder();
        var sink = new FrameSink(first, cache, int.MaxValue);
        sink.OnTick(tick); // miss: encodes and publishes

        using var second = new FrameBuilder();
        Assert.True(cache.TryAppend(tick, second));
        Assert.Equal(first.Complete().ToArray(), second.Complete().ToArray());
        Assert.Equal(new QuoteMessage(2, 7, 123, 100, 5, 101, 6), Assert.Single(FrameDecoder.Decode(second.Complete())));
    }

    [Fact]
    public void OtherSequenceOrKind_Misses_AndAMissAddsNothingToTheFrame()
    {
        var cache = new EncodedMessageCache(4);
        using var frame = new FrameBuilder();
        var quote = Tick.NewQuote(1, 1, 100, 5, 101, 6) with { Sequence = 3 };
        new FrameSink(frame, cache, int.MaxValue).OnTick(quote);
        frame.Reset();

        Assert.False(cache.TryAppend(quote with { Sequence = 4 }, frame));
        Assert.False(cache.TryAppend(Tick.NewTrade(1, 1, 100, 1, TradeSide.Buy) with { Sequence = 3 }, frame));
        Assert.False(cache.TryAppend(quote with { SymbolId = 0 }, frame));
        Assert.True(frame.IsEmpty);
        Assert.Empty(FrameDecoder.Decode(frame.Complete()));
    }

    [Fact]
    public async Task ConcurrentWritersAndReaders_EveryHitIsExactlyTheMessageOfItsSeq()
    {
        // Two senders encode and publish the same stream of one symbol's quotes (racing for the
        // entry) while two others copy from the cache. Field widths change with the seq, so a
        // torn copy (bytes of two messages, or a length from another) cannot decode to the right
        // message. Every hit is decoded and compared.
        // The writers run until the readers have made enough hits (bounded at 30 s), not for a
        // fixed count: on a loaded 2-core box the readers may not be scheduled at all during a
        // short fixed run (seen: 0 hits under two busy loops).
        const long wantedHits = 1_000;
        var cache = new EncodedMessageCache(1);
        long published = 0;
        long totalHits = 0;
        int writersDone = 0;
        var bound = System.Diagnostics.Stopwatch.StartNew();
        static Tick QuoteAt(long seq) => Tick.NewQuote(0, seq * 1_000, seq, seq * 997, seq + 1, seq % 7) with { Sequence = seq };

        var writers = Enumerable.Range(0, 2).Select(_ => Task.Factory.StartNew(
            () =>
            {
                using var frame = new FrameBuilder(4096);
                for (long seq = 1; Volatile.Read(ref totalHits) < wantedHits && bound.Elapsed < TimeSpan.FromSeconds(30); seq++)
                {
                    frame.Reset();
                    new FrameSink(frame, cache, int.MaxValue).OnTick(QuoteAt(seq));
                    InterlockedMax(ref published, seq);
                }

                Interlocked.Increment(ref writersDone);
            },
            TaskCreationOptions.LongRunning)).ToArray();

        var readers = Enumerable.Range(0, 2).Select(_ => Task.Factory.StartNew(
            () =>
            {
                using var frame = new FrameBuilder(4096);
                long hits = 0;
                while (Volatile.Read(ref writersDone) < 2)
                {
                    long seq = Volatile.Read(ref published);
                    frame.Reset();
                    if (seq > 0 && cache.TryAppend(QuoteAt(seq), frame))
                    {
                        hits++;
                        Interlocked.Increment(ref totalHits);
                        var expected = QuoteAt(seq);
                        var message = Assert.Single(FrameDecoder.Decode(frame.Complete()));
                        Assert.Equal(new QuoteMessage(0, seq, expected.Timestamp, expected.BidPrice, expected.BidSize, expected.AskPrice, expected.AskSize), message);
                    }
                }

                return hits;
            },
            TaskCreationOptions.LongRunning)).ToArray();

        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));
        long[] readerHits = await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(readerHits.Sum() > 100, $"only {readerHits.Sum()} cache hits: the readers did not overlap the writers");
    }

    [Fact]
    public void SenderPath_DrainEncodeAndComplete_AllocatesNothingInSteadyState()
    {
        // The per-tick path of a connection's sender: the subscriber's drain into a FrameSink
        // (encode or copy from the cache), frame completion and reset. The socket send is the
        // only step not covered here.
        var engine = new ConflationEngine(TestUniverse.Create(8), new EngineSettings(JournalCapacity: 1 << 14));
        var cache = new EncodedMessageCache(8);
        using var full = engine.CreateSubscriber(new SenderSignal());
        using var conflated = engine.CreateSubscriber(new SenderSignal());
        for (int id = 0; id < 8; id++)
        {
            full.Subscribe(id, DeliveryMode.Full);
            conflated.Subscribe(id, DeliveryMode.Conflated);
        }

        using var frameA = new FrameBuilder(64 * 1024);
        using var frameB = new FrameBuilder(64 * 1024);
        long t = 0;
        void Round()
        {
            for (int i = 0; i < 64; i++)
            {
                t++;
                Tick tick = (t % 3) == 0
                    ? Tick.NewTrade((int)(t % 8), t, 10_000 + (t % 50), 1 + (t % 9), TradeSide.Buy)
                    : Tick.NewQuote((int)(t % 8), t, 9_990, 1 + (t % 90), 10_010, 1 + (t % 80));
                engine.Publish(ref tick);
            }

            frameA.Reset();
            var sinkA = new FrameSink(frameA, cache, 64 * 1024);
            while (full.Drain(ref sinkA, t).HasMore)
            {
            }

            _ = frameA.Complete();
            frameB.Reset();
            var sinkB = new FrameSink(frameB, cache, 64 * 1024);
            while (conflated.Drain(ref sinkB, t).HasMore)
            {
            }

            _ = frameB.Complete();
        }

        // Warm-up past a journal wrap (300 x 64 ticks > 16,384): snapshots, buffer growth, first use
        // of every branch. Then passes of 1,000 rounds until one allocates nothing (at most 3): on a
        // loaded box the runtime's tier-up can land inside a pass (6,632 B once in a full-suite run),
        // while an allocation on the per-tick path would show in every pass (64,000 ticks each).
        for (int i = 0; i < 300; i++)
        {
            Round();
        }

        long allocated = -1;
        for (int pass = 0; pass < 3 && allocated != 0; pass++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 1_000; i++)
            {
                Round();
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.Equal(0, allocated);
        Assert.True(frameA.MessageCount > 0 && frameB.MessageCount > 0);
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current = Volatile.Read(ref target);
        while (current < value)
        {
            long seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
