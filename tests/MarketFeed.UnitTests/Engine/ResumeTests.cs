using MarketFeed.Core;
using MarketFeed.Engine;
using MarketFeed.Testing;

namespace MarketFeed.UnitTests.Engine;

/// <summary>Resume on subscribe: exact missed ticks from the journal (full), latest state (conflated), else a snapshot.</summary>
public sealed class ResumeTests
{
    [Fact]
    public void Full_ResumeAfterAGap_DeliversExactlyTheMissedTicksThenLive_WithoutSnapshot()
    {
        var engine = new ConflationEngine(TestUniverse.Create(3));
        var kit = new EngineTestKit(3);
        var before = engine.CreateSubscriber(new SenderSignal());
        before.Subscribe(0, DeliveryMode.Full);
        before.Subscribe(1, DeliveryMode.Full);
        for (int i = 0; i < 300; i++)
        {
            kit.PublishNext(engine, i);
        }

        var first = new RecordingSink();
        before.Drain(ref first, 0);
        long last0 = first.State[0].Sequence;
        long last1 = first.State[1].Sequence;
        before.Dispose(); // the connection drops

        for (int i = 300; i < 700; i++)
        {
            kit.PublishNext(engine, i); // missed while away
        }

        using var after = engine.CreateSubscriber(new SenderSignal());
        Assert.Equal(SubscribeOutcome.Recovered, after.Subscribe(0, DeliveryMode.Full, resumeAfter: last0));
        Assert.Equal(SubscribeOutcome.Recovered, after.Subscribe(1, DeliveryMode.Full, resumeAfter: last1));
        for (int i = 700; i < 900; i++)
        {
            kit.PublishNext(engine, i); // live
        }

        var sink = new RecordingSink();
        Assert.False(after.Drain(ref sink, 0).Overflowed);
        Assert.Empty(sink.FirstSnapshot);
        for (int id = 0; id < 2; id++)
        {
            long from = id == 0 ? last0 : last1;
            long to = engine.LastSequence(id);
            Assert.True(to > from + 50, "the test must miss ticks");
            Assert.Equal(Range(from + 1, to), sink.Sequences[id]);
        }

        Assert.False(sink.Sequences.ContainsKey(2));
    }

    [Fact]
    public void Full_ResumeWithNothingMissed_IsRecoveredAndContinuesLive()
    {
        var engine = new ConflationEngine(TestUniverse.Create(2));
        var kit = new EngineTestKit(1);
        for (int i = 0; i < 10; i++)
        {
            kit.PublishNext(engine, i);
        }

        using var subscriber = engine.CreateSubscriber(new SenderSignal());
        Assert.Equal(SubscribeOutcome.Recovered, subscriber.Subscribe(0, DeliveryMode.Full, resumeAfter: 10));
        kit.PublishNext(engine, 10);
        var sink = new RecordingSink();
        subscriber.Drain(ref sink, 0);
        Assert.Equal([11L], sink.Sequences[0]);
        Assert.Empty(sink.FirstSnapshot);
    }

    [Fact]
    public void Full_ResumeOlderThanTheJournal_IsNotRecovered_AndGetsASnapshot()
    {
        var engine = new ConflationEngine(TestUniverse.Create(2), new EngineSettings(JournalCapacity: 16));
        var kit = new EngineTestKit(1);
        for (int i = 0; i < 100; i++)
        {
            kit.PublishNext(engine, i);
        }

        using var subscriber = engine.CreateSubscriber(new SenderSignal());
        Assert.Equal(SubscribeOutcome.Subscribed, subscriber.Subscribe(0, DeliveryMode.Full, snapshot: false, resumeAfter: 50));
        kit.PublishNext(engine, 100);
        var sink = new RecordingSink();
        subscriber.Drain(ref sink, 0);
        Assert.Equal(100, sink.FirstSnapshot[0].Sequence); // a snapshot although snapshot: false
        Assert.Equal([101L], sink.Sequences[0]);
    }

    [Fact]
    public void Full_ResumeFromTheFuture_IsNotRecovered()
    {
        var engine = new ConflationEngine(TestUniverse.Create(1));
        var kit = new EngineTestKit(1);
        for (int i = 0; i < 5; i++)
        {
            kit.PublishNext(engine, i);
        }

        using var subscriber = engine.CreateSubscriber(new SenderSignal());
        Assert.Equal(SubscribeOutcome.Subscribed, subscriber.Subscribe(0, DeliveryMode.Full, resumeAfter: 6));
        Assert.Equal(SubscribeOutcome.Subscribed, subscriber.Subscribe(0, DeliveryMode.Conflated, resumeAfter: 6));
    }

    [Fact]
    public void Full_ResumeBesideAnotherSymbolAlreadyStreaming_RewindsWithoutDuplicatingIt()
    {
        var engine = new ConflationEngine(TestUniverse.Create(2));
        using var subscriber = engine.CreateSubscriber(new SenderSignal());
        subscriber.Subscribe(0, DeliveryMode.Full, snapshot: false);
        for (int i = 0; i < 20; i++)
        {
            Tick a = Tick.NewQuote(0, i, 1, 1, 2, 1);
            Tick b = Tick.NewQuote(1, i, 1, 1, 2, 1);
            engine.Publish(ref a);
            engine.Publish(ref b);
        }

        var first = new RecordingSink();
        subscriber.Drain(ref first, 0);
        Assert.Equal(Range(1, 20), first.Sequences[0]);

        Assert.Equal(SubscribeOutcome.Recovered, subscriber.Subscribe(1, DeliveryMode.Full, resumeAfter: 5));
        var sink = new RecordingSink();
        subscriber.Drain(ref sink, 0);
        Assert.False(sink.Sequences.ContainsKey(0)); // symbol 0's ticks in the rewound range were delivered already
        Assert.Equal(Range(6, 20), sink.Sequences[1]);
    }

    [Fact]
    public void Conflated_Resume_SendsOnlyTheLatestNewerThanHeld_WithoutSnapshot()
    {
        var engine = new ConflationEngine(TestUniverse.Create(1));
        Tick q1 = Tick.NewQuote(0, 1, 1, 1, 2, 1);
        Tick t2 = Tick.NewTrade(0, 2, 1, 5, TradeSide.Buy);
        Tick q3 = Tick.NewQuote(0, 3, 1, 1, 3, 1);
        engine.Publish(ref q1);
        engine.Publish(ref t2);
        engine.Publish(ref q3);

        using var subscriber = engine.CreateSubscriber(new SenderSignal());
        Assert.Equal(SubscribeOutcome.Recovered, subscriber.Subscribe(0, DeliveryMode.Conflated, resumeAfter: 2));
        var sink = new RecordingSink();
        subscriber.Drain(ref sink, 0);
        Assert.Empty(sink.FirstSnapshot);
        Assert.Equal([3L], sink.Sequences[0]); // the trade (seq 2) is held already
    }

    private static List<long> Range(long from, long to)
    {
        var list = new List<long>();
        for (long s = from; s <= to; s++)
        {
            list.Add(s);
        }

        return list;
    }
}
