using MarketFeed.Core;
using MarketFeed.Engine;
using MarketFeed.Testing;

namespace MarketFeed.UnitTests.Engine;

/// <summary>DESIGN.md invariants 1-5 on the engine alone, with concurrent producer and drainers.</summary>
public sealed class ConflationInvariantTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    // Only catches a hang; generous because 2 shared cores run 5 busy threads in the churn test.
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(3);

    [Fact]
    public void Conflated_AfterSourceGoesQuiet_LastReceivedEqualsSourceState()
    {
        var engine = new ConflationEngine(TestUniverse.Create(16));
        var kit = new EngineTestKit(16);
        var sink = new RecordingSink();
        var signal = new SenderSignal();
        using var subscriber = engine.CreateSubscriber(signal);
        for (int i = 0; i < 16; i++)
        {
            Assert.Equal(SubscribeOutcome.Subscribed, subscriber.Subscribe(i, DeliveryMode.Conflated));
        }

        using var done = new ManualResetEventSlim();
        var producer = Task.Run(() =>
        {
            for (int i = 0; i < 200_000; i++)
            {
                kit.PublishNext(engine, i);
            }

            done.Set();
        });

        // Drain concurrently, like a sender loop, with small frames to force many partial drains.
        sink.RoomPerDrain = 7;
        while (!done.IsSet)
        {
            sink.NextDrain();
            subscriber.Drain(ref sink, 0);
        }

        producer.Wait(Timeout);
        DrainAll(subscriber, sink);

        for (int i = 0; i < 16; i++)
        {
            EngineTestKit.AssertSameState(kit.Expected[i], sink.State[i]);
        }

        // Heavy conflation really happened (otherwise this test proves little).
        Assert.True(sink.Received.Count < 200_000, $"expected conflation, got {sink.Received.Count} messages");
    }

    [Fact]
    public void Conflated_SubscribedMidStream_EveryTradeCarriesTheSourcesCumulativeNumbersAtItsSeq()
    {
        var engine = new ConflationEngine(TestUniverse.Create(8));
        var kit = new EngineTestKit(8);
        var sink = new RecordingSink { RoomPerDrain = 3 };
        using var subscriber = engine.CreateSubscriber(new SenderSignal());

        // The source's own account, summed here independently of the engine's sequencer: per
        // symbol and seq, the cumulative volume and trade count after that trade.
        var source = new Dictionary<(int Symbol, long Seq), (long Volume, long Count, long Price, long Size)>();
        var volume = new long[8];
        var count = new long[8];
        void Publish(long timestamp)
        {
            Tick t = kit.PublishNext(engine, timestamp);
            if (t.Kind == TickKind.Trade)
            {
                volume[t.SymbolId] += t.Size;
                count[t.SymbolId]++;
                source[(t.SymbolId, t.Sequence)] = (volume[t.SymbolId], count[t.SymbolId], t.Price, t.Size);
            }
        }

        for (int i = 0; i < 20_000; i++)
        {
            Publish(i);
        }

        using var subscribed = new ManualResetEventSlim();
        using var done = new ManualResetEventSlim();
        var producer = Task.Run(() =>
        {
            for (int i = 0; i < 150_000; i++)
            {
                Publish(i);
                if (i == 1000)
                {
                    subscribed.Wait(Timeout);
                }
            }

            done.Set();
        });

        for (int i = 0; i < 8; i++)
        {
            subscriber.Subscribe(i, DeliveryMode.Conflated);
        }

        subscribed.Set();
        while (!done.IsSet)
        {
            sink.NextDrain();
            subscriber.Drain(ref sink, 0);
        }

        Assert.True(producer.Wait(Timeout));
        DrainAll(subscriber, sink);

        // Every trade received (conflated: only some of them) says exactly what the source had
        // traded up to and including it, and the snapshots agree with the source at their seq.
        int trades = 0;
        foreach (var (isSnapshot, tick, snapshot) in sink.Received)
        {
            if (isSnapshot)
            {
                if (snapshot.TradeSequence > 0)
                {
                    var atSnapshot = source[(snapshot.SymbolId, snapshot.TradeSequence)];
                    Assert.Equal((atSnapshot.Volume, atSnapshot.Count), (snapshot.CumulativeVolume, snapshot.TradeCount));
                }
            }
            else if (tick.Kind == TickKind.Trade)
            {
                trades++;
                Assert.True(source.TryGetValue((tick.SymbolId, tick.Sequence), out var expected), $"symbol {tick.SymbolId}: no source trade with seq {tick.Sequence}");
                Assert.Equal(expected, (tick.CumulativeVolume, tick.TradeCount, tick.Price, tick.Size));
            }
        }

        Assert.True(trades > 8, "too few trades received to prove anything");
        Assert.True(trades < source.Count, "no trade was conflated away: the test would not show accounting across a jump");
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal((volume[i], count[i]), (sink.State[i].CumulativeVolume, sink.State[i].TradeCount));
        }
    }

    [Fact]
    public void Conflated_SequenceNeverGoesBackwardsPerSymbol()
    {
        var engine = new ConflationEngine(TestUniverse.Create(4));
        var kit = new EngineTestKit(4);
        var sink = new RecordingSink { RoomPerDrain = 2 };
        using var subscriber = engine.CreateSubscriber(new SenderSignal());
        for (int i = 0; i < 4; i++)
        {
            subscriber.Subscribe(i, DeliveryMode.Conflated, snapshot: false);
        }

        for (int round = 0; round < 2000; round++)
        {
            for (int k = 0; k < 10; k++)
            {
                kit.PublishNext(engine, round);
            }

            sink.NextDrain();
            subscriber.Drain(ref sink, 0);
        }

        foreach (var (_, seqs) in sink.Sequences)
        {
            for (int i = 1; i < seqs.Count; i++)
            {
                Assert.True(seqs[i] > seqs[i - 1], $"seq went from {seqs[i - 1]} to {seqs[i]}");
            }
        }
    }

    [Fact]
    public void Full_SubscribedWhileTicksFlow_SequencesContiguousFromSnapshot()
    {
        var engine = new ConflationEngine(TestUniverse.Create(6), new EngineSettings(JournalCapacity: 1 << 20));
        var kit = new EngineTestKit(6);
        var sink = new RecordingSink { RoomPerDrain = 50 };
        using var subscriber = engine.CreateSubscriber(new SenderSignal());
        using var done = new ManualResetEventSlim();
        using var started = new ManualResetEventSlim();
        var producer = Task.Run(() =>
        {
            for (int i = 0; i < 300_000; i++)
            {
                kit.PublishNext(engine, i);
                if (i == 100)
                {
                    started.Set();
                }
            }

            done.Set();
        });

        Assert.True(started.Wait(Timeout));
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(SubscribeOutcome.Subscribed, subscriber.Subscribe(i, DeliveryMode.Full));
        }

        while (!done.IsSet)
        {
            sink.NextDrain();
            Assert.False(subscriber.Drain(ref sink, 0).Overflowed);
        }

        Assert.True(producer.Wait(Timeout));
        DrainAll(subscriber, sink);

        for (int i = 0; i < 6; i++)
        {
            long expected = sink.FirstSnapshot[i].Sequence + 1;
            foreach (long seq in sink.Sequences.GetValueOrDefault(i, []))
            {
                Assert.Equal(expected, seq);
                expected++;
            }

            Assert.Equal(engine.LastSequence(i), expected - 1);
            EngineTestKit.AssertSameState(kit.Expected[i], sink.State[i]);
        }
    }

    [Fact]
    public void Full_ReaderLappedByTheJournal_IsDroppedOnItsNextDrainAndNeverSeesAGap()
    {
        var engine = new ConflationEngine(TestUniverse.Create(2), new EngineSettings(JournalCapacity: 16));
        using var keepingUp = engine.CreateSubscriber(new SenderSignal());
        using var lapped = engine.CreateSubscriber(new SenderSignal());
        keepingUp.Subscribe(0, DeliveryMode.Full, snapshot: false);
        lapped.Subscribe(0, DeliveryMode.Full, snapshot: false);
        var kit = new EngineTestKit(1);

        // 15 ticks behind: everything is still intact (the slot of the 16th-oldest is the one being written).
        for (int i = 0; i < 15; i++)
        {
            kit.PublishNext(engine, i);
        }

        var first = new RecordingSink();
        Assert.False(keepingUp.Drain(ref first, 0).Overflowed);
        Assert.Equal(15, first.Received.Count);
        Assert.Equal(15, lapped.JournalLag);

        kit.PublishNext(engine, 15);
        Assert.Equal(16, lapped.JournalLag);
        Assert.False(lapped.IsOverflowed); // the writer never looks at readers: found out by the reader

        var sink = new RecordingSink();
        DrainResult result = lapped.Drain(ref sink, 0);
        Assert.True(result.Overflowed);
        Assert.True(lapped.IsOverflowed);
        Assert.Equal(1, engine.OverflowDrops);
        Assert.Empty(sink.Received); // the owner closes with 4001 instead of delivering a gapped stream
        Assert.Equal(SubscribeOutcome.Closed, lapped.Subscribe(1, DeliveryMode.Conflated));

        var second = new RecordingSink();
        Assert.False(keepingUp.Drain(ref second, 0).Overflowed);
        Assert.Equal(16, Assert.Single(second.Received).Tick.Sequence);
    }

    [Fact]
    public void Full_SymbolAddedToAReaderBehindTheHead_ContinuesExactlyAfterItsSnapshot()
    {
        var engine = new ConflationEngine(TestUniverse.Create(2));
        using var subscriber = engine.CreateSubscriber(new SenderSignal());
        subscriber.Subscribe(0, DeliveryMode.Full, snapshot: false);
        for (int i = 0; i < 10; i++)
        {
            Tick a = Tick.NewQuote(0, i, 1, 1, 2, 1);
            Tick b = Tick.NewQuote(1, i, 1, 1, 2, 1);
            engine.Publish(ref a);
            engine.Publish(ref b);
        }

        // The reader's cursor is 20 entries behind, 10 of them symbol 1's, all inside the snapshot.
        subscriber.Subscribe(1, DeliveryMode.Full, snapshot: true);
        Tick c = Tick.NewQuote(1, 10, 1, 1, 2, 1);
        engine.Publish(ref c);

        var sink = new RecordingSink();
        subscriber.Drain(ref sink, 0);
        Assert.Equal(10, sink.FirstSnapshot[1].Sequence);
        Assert.Equal([11L], sink.Sequences[1]);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), sink.Sequences[0]);
    }

    [Fact]
    public void Full_ReaderOfQuietSymbol_IsNotLappedByOtherSymbolsTraffic()
    {
        var engine = new ConflationEngine(TestUniverse.Create(2), new EngineSettings(JournalCapacity: 16));
        using var quiet = engine.CreateSubscriber(new SenderSignal());
        quiet.Subscribe(1, DeliveryMode.Full, snapshot: false);
        var busy = new EngineTestKit(1); // publishes symbol 0 only
        for (int i = 0; i < 1000; i++)
        {
            busy.PublishNext(engine, i);
        }

        Assert.Equal(0, quiet.JournalLag);
        Tick tick = Tick.NewQuote(1, 1, 1, 1, 2, 1);
        engine.Publish(ref tick);
        var sink = new RecordingSink();
        Assert.False(quiet.Drain(ref sink, 0).Overflowed);
        Assert.Equal(1, Assert.Single(sink.Received).Tick.Sequence);
    }

    [Fact]
    public void Isolation_StalledSubscribersDoNotBlockSourceOrOthers()
    {
        var engine = new ConflationEngine(TestUniverse.Create(10), new EngineSettings(JournalCapacity: 4096));
        var kit = new EngineTestKit(10);
        using var stalledConflated = engine.CreateSubscriber(new SenderSignal());
        using var stalledFull = engine.CreateSubscriber(new SenderSignal());
        using var healthy = engine.CreateSubscriber(new SenderSignal());
        for (int i = 0; i < 10; i++)
        {
            stalledConflated.Subscribe(i, DeliveryMode.Conflated);
            stalledFull.Subscribe(i, DeliveryMode.Full);
            healthy.Subscribe(i, DeliveryMode.Full);
        }

        var sink = new RecordingSink();
        using var done = new ManualResetEventSlim();
        using var drained = new AutoResetEvent(false);
        long producerAllocated = -1;
        var producer = Task.Run(() =>
        {
            // Only the publish calls are measured (the pacing wait below is test machinery, and a
            // thread-pool wait may allocate); the first round of every symbol is warm-up.
            long allocated = 0;
            for (int i = 0; i < 100_000; i++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                kit.PublishNext(engine, i);
                if (i >= 1024)
                {
                    allocated += GC.GetAllocatedBytesForCurrentThread() - before;
                }

                // Test pacing only: give the (slower, list-recording) healthy reader time to keep up,
                // as a real feed's rate would. The stalled subscribers are never waited for.
                if (i % 512 == 0)
                {
                    WaitUntilBelow(healthy, 1024, drained);
                }
            }

            producerAllocated = allocated;
            done.Set();
        });

        // The healthy one keeps up by draining; the stalled ones are never drained.
        while (!done.IsSet)
        {
            sink.NextDrain();
            Assert.False(healthy.Drain(ref sink, 0).Overflowed);
            drained.Set();
        }

        Assert.True(producer.Wait(Timeout), "the producer was blocked by stalled subscribers");
        DrainAll(healthy, sink);
        var late = new RecordingSink();
        Assert.True(stalledFull.Drain(ref late, 0).Overflowed); // lapped: found out on its next drain
        Assert.True(stalledFull.IsOverflowed);
        Assert.False(healthy.IsOverflowed);

        // Not slowed either: a stalled subscriber costs the tick path a bit-set (conflated) or nothing
        // (full: its cursor just stays behind in the shared journal), never a queue or an allocation per tick.
        Assert.Equal(0, producerAllocated);
        for (int i = 0; i < 10; i++)
        {
            EngineTestKit.AssertSameState(kit.Expected[i], sink.State[i]);
        }
    }

    [Fact]
    public void BoundedMemory_ConflatedPendingWorkIsAtMostOneStatePerSymbolWhateverTheTickCount()
    {
        var engine = new ConflationEngine(TestUniverse.Create(5));
        var kit = new EngineTestKit(5);
        using var subscriber = engine.CreateSubscriber(new SenderSignal());
        for (int i = 0; i < 5; i++)
        {
            subscriber.Subscribe(i, DeliveryMode.Conflated);
        }

        var first = new RecordingSink();
        subscriber.Drain(ref first, 0); // snapshots
        for (int i = 0; i < 500_000; i++)
        {
            kit.PublishNext(engine, i);
        }

        var sink = new RecordingSink();
        DrainResult result = subscriber.Drain(ref sink, 0);
        Assert.False(result.HasMore);
        Assert.InRange(sink.Received.Count, 5, 10); // at most a quote and a trade per symbol
        Assert.Equal(0, subscriber.JournalLag);
    }

    [Fact]
    public void BoundedMemory_FullModeSubscriberOf20Symbols_AllocatesUnder16KB()
    {
        var engine = new ConflationEngine(TestUniverse.Create(300));
        var signal = new SenderSignal();
        long before = GC.GetAllocatedBytesForCurrentThread();
        using var subscriber = engine.CreateSubscriber(signal);
        for (int i = 0; i < 20; i++)
        {
            subscriber.Subscribe(i * 7, DeliveryMode.Full);
        }

        long bytes = GC.GetAllocatedBytesForCurrentThread() - before;

        // Includes the engine's copy-on-write subscriber arrays for the 20 symbols. No tick queue:
        // the journal is shared (a ring of 16,384 ticks per connection was 1.2 MB).
        Assert.InRange(bytes, 1, 16 * 1024);
    }

    [Fact]
    public void Churn_SubscribeUnsubscribeOnSeveralThreadsWhileTicksFlow_RemainingSubscribersConverge()
    {
        const int symbols = 12;
        const int churnerCount = 4;
        var engine = new ConflationEngine(TestUniverse.Create(symbols), new EngineSettings(JournalCapacity: 1 << 16));
        var kit = new EngineTestKit(symbols);
        using var stopProducer = new CancellationTokenSource();
        using var stopDraining = new CancellationTokenSource();
        using var churnDone = new CountdownEvent(churnerCount);
        using var drained = new AutoResetEvent(false);
        var subscribers = new System.Collections.Concurrent.ConcurrentBag<Subscriber>();
        // Dedicated threads: five busy loops would starve a 2-core thread pool for seconds.
        var producer = Task.Factory.StartNew(() =>
        {
            long i = 0;
            while (!stopProducer.IsCancellationRequested)
            {
                kit.PublishNext(engine, i++);
                if (i % 512 == 0)
                {
                    foreach (var s in subscribers)
                    {
                        WaitUntilBelow(s, 1 << 14, drained);
                    }
                }
            }
        }, TaskCreationOptions.LongRunning);

        var churners = new Task<(Subscriber Subscriber, RecordingSink Sink)>[churnerCount];
        for (int t = 0; t < churners.Length; t++)
        {
            int seed = t;
            churners[t] = Task.Factory.StartNew(() =>
            {
                var random = new Random(seed);
                DeliveryMode mode = seed % 2 == 0 ? DeliveryMode.Conflated : DeliveryMode.Full;
                var subscriber = engine.CreateSubscriber(new SenderSignal());
                subscribers.Add(subscriber);
                var scratch = new RecordingSink { RoomPerDrain = 500, KeepHistory = false };
                for (int k = 0; k < 2000; k++)
                {
                    int id = random.Next(symbols);
                    if (random.Next(3) == 0)
                    {
                        subscriber.Unsubscribe(id);
                    }
                    else
                    {
                        subscriber.Subscribe(id, mode);
                    }

                    scratch.NextDrain();
                    Assert.False(subscriber.Drain(ref scratch, 0).Overflowed);
                    drained.Set();
                }

                // Finish holding every symbol (fresh snapshots), and keep draining like a sender.
                for (int id = 0; id < symbols; id++)
                {
                    subscriber.Subscribe(id, mode);
                }

                var final = new RecordingSink { RoomPerDrain = 500, KeepHistory = false };
                churnDone.Signal();
                while (!stopDraining.IsCancellationRequested)
                {
                    final.NextDrain();
                    Assert.False(subscriber.Drain(ref final, 0).Overflowed);
                    drained.Set();
                }

                return (subscriber, final);
            }, TaskCreationOptions.LongRunning);
        }

        Assert.True(churnDone.Wait(HangGuard), "churn did not finish");
        stopProducer.Cancel();
        Assert.True(producer.Wait(Timeout));
        stopDraining.Cancel();
        Assert.True(Task.WaitAll(churners, Timeout));

        foreach (var task in churners)
        {
            var (subscriber, sink) = task.Result;
            DrainAll(subscriber, sink);
            Assert.False(subscriber.IsOverflowed);
            for (int id = 0; id < symbols; id++)
            {
                EngineTestKit.AssertSameState(kit.Expected[id], sink.State[id]);
            }

            Assert.Equal(symbols, subscriber.SymbolCount);
            subscriber.Dispose();
        }

        for (int id = 0; id < symbols; id++)
        {
            Assert.Equal(0, engine.SubscriptionCount(id));
        }
    }

    [Fact]
    public void Subscribe_BeyondLimit_ReturnsLimitExceeded()
    {
        var engine = new ConflationEngine(TestUniverse.Create(10), new EngineSettings(MaxSymbolsPerSubscriber: 3));
        using var subscriber = engine.CreateSubscriber(new SenderSignal());
        Assert.Equal(SubscribeOutcome.Subscribed, subscriber.Subscribe(0, DeliveryMode.Conflated));
        Assert.Equal(SubscribeOutcome.Subscribed, subscriber.Subscribe(1, DeliveryMode.Conflated));
        Assert.Equal(SubscribeOutcome.Subscribed, subscriber.Subscribe(2, DeliveryMode.Full));
        Assert.Equal(SubscribeOutcome.LimitExceeded, subscriber.Subscribe(3, DeliveryMode.Conflated));
        Assert.Equal(SubscribeOutcome.Subscribed, subscriber.Subscribe(2, DeliveryMode.Conflated)); // re-subscribe is not a new symbol
        Assert.Equal(SubscribeOutcome.UnknownSymbol, subscriber.Subscribe(99, DeliveryMode.Conflated));
    }

    [Fact]
    public void Unsubscribe_StopsUpdatesForThatSymbolOnly()
    {
        var engine = new ConflationEngine(TestUniverse.Create(2));
        using var subscriber = engine.CreateSubscriber(new SenderSignal());
        subscriber.Subscribe(0, DeliveryMode.Full, snapshot: false);
        subscriber.Subscribe(1, DeliveryMode.Conflated, snapshot: false);
        Tick a = Tick.NewQuote(0, 1, 1, 1, 2, 1);
        engine.Publish(ref a);
        Assert.True(subscriber.Unsubscribe(0));
        Assert.False(subscriber.Unsubscribe(0));
        Tick b = Tick.NewQuote(0, 2, 1, 1, 2, 1);
        Tick c = Tick.NewQuote(1, 2, 1, 1, 2, 1);
        engine.Publish(ref b);
        engine.Publish(ref c);
        var sink = new RecordingSink();
        subscriber.Drain(ref sink, 0);
        Assert.DoesNotContain(sink.Received, r => r.Tick.SymbolId == 0);
        Assert.Contains(sink.Received, r => r.Tick.SymbolId == 1);
    }

    /// <summary>
    /// Test pacing for a producer thread: waits (on the signal the drainers set after every drain,
    /// not by spinning) until the reader has drained below <paramref name="depth"/>, and fails the
    /// test after the timeout rather than giving up silently.
    /// </summary>
    private static void WaitUntilBelow(Subscriber subscriber, int depth, AutoResetEvent drained)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (subscriber.JournalLag >= depth)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !drained.WaitOne(left))
            {
                Assert.Fail($"the reader did not drain below {depth} in {Timeout.TotalSeconds} s (lag {subscriber.JournalLag})");
            }
        }
    }

    private static void DrainAll(Subscriber subscriber, RecordingSink sink)
    {
        for (int guard = 0; guard < 1_000_000; guard++)
        {
            sink.NextDrain();
            if (!subscriber.Drain(ref sink, 0).HasMore)
            {
                sink.NextDrain();
                subscriber.Drain(ref sink, 0);
                return;
            }
        }

        Assert.Fail("drain did not finish");
    }
}
