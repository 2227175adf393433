using MarketFeed.Core;
using MarketFeed.Engine;
using MarketFeed.Testing;

namespace MarketFeed.UnitTests.Engine;

/// <summary>
/// The scale-out gateway's engine entry points (docs/scale-out.md): a replica seeded with a source's
/// state at a global sequence and fed the source's ticks carries the source's seq and global sequence.
/// </summary>
public sealed class ReplicaTests
{
    [Fact]
    public void Replica_SeededAtGlobalSequence_AndFedTheSourcesTicks_HasTheSourcesSequencesAndStates()
    {
        var source = new ConflationEngine(TestUniverse.Create(4), epoch: 77);
        var kit = new EngineTestKit(4);
        for (int i = 0; i < 500; i++)
        {
            kit.PublishNext(source, i);
        }

        // The gateway starts: the source's state at G, then every tick after G.
        long start = source.GlobalSequence;
        var replica = new ConflationEngine(TestUniverse.Create(4), epoch: source.Epoch);
        for (int id = 0; id < 4; id++)
        {
            source.States.Read(id, out MarketSnapshot state);
            replica.Seed(state);
        }

        replica.StartReplicaAt(start);
        Assert.Equal(start, replica.GlobalSequence);
        Assert.Equal(start, replica.Journal.OldestPosition);
        for (int i = 500; i < 900; i++)
        {
            kit.PublishNext(source, i);
        }

        for (long p = start; p < source.GlobalSequence; p++)
        {
            Assert.True(source.Journal.TryRead(p, out Tick tick));
            replica.PublishReplicated(tick, p + 1);
        }

        Assert.Equal(source.GlobalSequence, replica.GlobalSequence);
        for (long p = start; p < source.GlobalSequence; p++)
        {
            Assert.True(replica.Journal.TryRead(p, out Tick copy));
            Assert.True(source.Journal.TryRead(p, out Tick original));
            Assert.Equal(original, copy);
        }

        for (int id = 0; id < 4; id++)
        {
            source.States.Read(id, out MarketSnapshot expected);
            replica.States.Read(id, out MarketSnapshot actual);
            EngineTestKit.AssertSameState(expected, actual);
        }
    }

    [Fact]
    public void Replica_ResumeBeforeItsStart_IsNotRecovered_AfterItIs()
    {
        var source = new ConflationEngine(TestUniverse.Create(1), epoch: 5);
        var kit = new EngineTestKit(1);
        for (int i = 0; i < 100; i++)
        {
            kit.PublishNext(source, i);
        }

        var replica = new ConflationEngine(TestUniverse.Create(1), epoch: 5);
        source.States.Read(0, out MarketSnapshot seed);
        replica.Seed(seed);
        replica.StartReplicaAt(source.GlobalSequence);
        long startSeq = seed.Sequence;
        for (int i = 100; i < 150; i++)
        {
            kit.PublishNext(source, i);
            Assert.True(source.Journal.TryRead(source.GlobalSequence - 1, out Tick tick));
            replica.PublishReplicated(tick, source.GlobalSequence);
        }

        using var tooOld = replica.CreateSubscriber(new SenderSignal());
        Assert.Equal(SubscribeOutcome.Subscribed, tooOld.Subscribe(0, DeliveryMode.Full, resumeAfter: startSeq - 10));
        using var held = replica.CreateSubscriber(new SenderSignal());
        Assert.Equal(SubscribeOutcome.Recovered, held.Subscribe(0, DeliveryMode.Full, resumeAfter: startSeq + 10));
        var sink = new RecordingSink();
        held.Drain(ref sink, 0);
        Assert.Equal(Enumerable.Range((int)startSeq + 11, 40).Select(i => (long)i), sink.Sequences[0]);
    }

    [Fact]
    public void PublishReplicated_OtherThanTheNextGlobalSequence_Throws_AndAStartedJournalCannotStartAgain()
    {
        var replica = new ConflationEngine(TestUniverse.Create(1), epoch: 9);
        replica.StartReplicaAt(1000);
        var tick = Tick.NewQuote(0, 1, 100, 1, 101, 1) with { Sequence = 1 };
        Assert.Throws<ArgumentOutOfRangeException>(() => replica.PublishReplicated(tick, 1002));
        Assert.Throws<ArgumentOutOfRangeException>(() => replica.PublishReplicated(tick, 1000));
        replica.PublishReplicated(tick, 1001);
        Assert.Equal(1001, replica.GlobalSequence);
        Assert.Throws<InvalidOperationException>(() => replica.StartReplicaAt(5000));
    }
}
