using MarketFeed.Core;
using MarketFeed.Engine;
using MarketFeed.Testing;

namespace MarketFeed.UnitTests.Engine;

/// <summary>Runs alone: it reads the process's heap size, which parallel tests would move.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RetainedMemoryGroup
{
    /// <summary>Collection name.</summary>
    public const string Name = "retained memory (not parallel)";
}

/// <summary>What a subscriber keeps once its work is done (issue 14 part 5).</summary>
[Collection(RetainedMemoryGroup.Name)]
public sealed class RetainedMemoryTests
{
    [Fact]
    public void BoundedMemory_FullModeSubscriberOf20Symbols_RetainsUnder6KBOnceItsSnapshotsAreSent()
    {
        // What a busy full-mode connection keeps in the engine (issue 14 part 5): its slots for the
        // symbols it holds and nothing that grew with a burst (the pending-snapshot list of a
        // 20-symbol subscribe alone was 4 KB, held for the connection's life).
        const int subscribers = 200;
        var engine = new ConflationEngine(TestUniverse.Create(300));
        var held = new List<Subscriber>(subscribers);
        var signals = new List<SenderSignal>(subscribers);
        long before = GC.GetTotalMemory(forceFullCollection: true);
        for (int n = 0; n < subscribers; n++)
        {
            var signal = new SenderSignal();
            var subscriber = engine.CreateSubscriber(signal);
            for (int i = 0; i < 20; i++)
            {
                subscriber.Subscribe(i * 7, DeliveryMode.Full);
            }

            var sink = new RecordingSink();
            while (subscriber.Drain(ref sink, 0).HasMore)
            {
            }

            held.Add(subscriber);
            signals.Add(signal);
        }

        long perSubscriber = (GC.GetTotalMemory(forceFullCollection: true) - before) / subscribers;
        foreach (Subscriber s in held)
        {
            s.Dispose();
        }

        Assert.InRange(perSubscriber, 1, 6 * 1024); // about 4 KB: 20 slots, the symbol map, the dirty bits, the engine's reader arrays
    }
}
