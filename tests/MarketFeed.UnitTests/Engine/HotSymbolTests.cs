using MarketFeed.Core;
using MarketFeed.Engine;
using MarketFeed.Testing;

namespace MarketFeed.UnitTests.Engine;

/// <summary>
/// Issue 14 part 2: the writer's work for a symbol's conflated subscribers is one wake per
/// subscriber per delivery (when the subscriber has caught up), never per tick.
/// </summary>
public sealed class HotSymbolTests
{
    private const int Subscribers = 1_000;

    [Fact]
    public void HotSymbol_TicksWhileSubscribersAreMarked_WakeNobody_AndEveryoneGetsTheLatest()
    {
        var engine = new ConflationEngine(TestUniverse.Create(2));
        var kit = new EngineTestKit(1);
        var subscribers = new Subscriber[Subscribers];
        var sinks = new RecordingSink[Subscribers];
        for (int i = 0; i < Subscribers; i++)
        {
            subscribers[i] = engine.CreateSubscriber(new SenderSignal());
            Assert.Equal(SubscribeOutcome.Subscribed, subscribers[i].Subscribe(0, DeliveryMode.Conflated));
            sinks[i] = new RecordingSink();
        }

        Assert.Equal(Subscribers, engine.SubscriptionCount(0));
        DrainAll(subscribers, sinks); // snapshots; everyone has caught up and waits for the next tick
        Assert.Equal(0, engine.ConflatedWakes);

        // The first tick wakes each subscriber once; the next 999 find them all marked.
        for (int round = 1; round <= 3; round++)
        {
            for (int t = 0; t < 1_000; t++)
            {
                kit.PublishNext(engine, t);
            }

            Assert.Equal(round * Subscribers, engine.ConflatedWakes);
            Assert.All(subscribers, s => Assert.True(s.HasPendingWork));
            DrainAll(subscribers, sinks);
            for (int i = 0; i < Subscribers; i++)
            {
                EngineTestKit.AssertSameState(kit.Expected[0], sinks[i].State[0]);
                Assert.False(subscribers[i].HasPendingWork);
            }
        }

        foreach (Subscriber s in subscribers)
        {
            s.Dispose();
        }

        Assert.Equal(0, engine.SubscriptionCount(0));
    }

    [Fact]
    public void QuietSymbol_SubscribeUnsubscribeChurn_DoesNotGrowItsWakeList()
    {
        var engine = new ConflationEngine(TestUniverse.Create(2));
        using var keeper = engine.CreateSubscriber(new SenderSignal());
        keeper.Subscribe(0, DeliveryMode.Conflated);
        var sink = new RecordingSink { KeepHistory = false };
        keeper.Drain(ref sink, 0);

        // Each cycle leaves an armed node of a gone subscription on the quiet symbol's list.
        for (int i = 0; i < 10_000; i++)
        {
            using var churner = engine.CreateSubscriber(new SenderSignal());
            churner.Subscribe(0, DeliveryMode.Conflated);
            churner.Drain(ref sink, 0);
        }

        var tick = Tick.NewQuote(0, 1, 100, 1, 101, 1);
        engine.Publish(ref tick);

        // What the tick takes off the list: the keeper plus the removed nodes left since the last purge.
        Assert.InRange(engine.ConflatedWakes, 1, 1 + 64);
        var after = new RecordingSink();
        keeper.Drain(ref after, 0);
        Assert.Equal(1, after.State[0].QuoteSequence);
    }

    private static void DrainAll(Subscriber[] subscribers, RecordingSink[] sinks)
    {
        for (int i = 0; i < subscribers.Length; i++)
        {
            RecordingSink sink = sinks[i];
            Assert.False(subscribers[i].Drain(ref sink, 0).HasMore);
        }
    }
}
