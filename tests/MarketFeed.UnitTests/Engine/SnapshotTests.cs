using MarketFeed.Core;
using MarketFeed.Engine;
using MarketFeed.Testing;

namespace MarketFeed.UnitTests.Engine;

public sealed class SnapshotTests
{
    [Theory]
    [InlineData(DeliveryMode.Conflated)]
    [InlineData(DeliveryMode.Full)]
    public void Subscribe_DeliversSnapshotFirst_ThenOnlyNewerTicks(DeliveryMode mode)
    {
        var engine = new ConflationEngine(TestUniverse.Create(1));
        Tick t1 = Tick.NewTrade(0, 1, 100, 10, TradeSide.Buy);
        Tick q2 = Tick.NewQuote(0, 2, 99, 5, 101, 6);
        engine.Publish(ref t1);
        engine.Publish(ref q2);

        using var subscriber = engine.CreateSubscriber(new SenderSignal());
        subscriber.Subscribe(0, mode);
        Tick t3 = Tick.NewTrade(0, 3, 101, 7, TradeSide.Sell);
        engine.Publish(ref t3);

        var sink = new RecordingSink();
        subscriber.Drain(ref sink, 0);
        subscriber.Drain(ref sink, 0);
        Assert.True(sink.Received[0].IsSnapshot);
        MarketSnapshot snap = sink.Received[0].Snapshot;
        if (mode == DeliveryMode.Full)
        {
            Assert.Equal(2, snap.Sequence);
            Assert.Equal(new long[] { 3 }, sink.Sequences[0]);
        }

        Assert.Equal(17, sink.State[0].CumulativeVolume);
        Assert.Equal(2, sink.State[0].TradeCount);
        Assert.Equal(3, sink.State[0].Sequence);
    }

    [Fact]
    public void Resubscribe_WithOtherMode_SendsFreshSnapshotAndSwitchesMode()
    {
        var engine = new ConflationEngine(TestUniverse.Create(1));
        using var subscriber = engine.CreateSubscriber(new SenderSignal());
        subscriber.Subscribe(0, DeliveryMode.Conflated);
        var sink = new RecordingSink();
        subscriber.Drain(ref sink, 0);
        subscriber.Subscribe(0, DeliveryMode.Full);
        for (int i = 0; i < 3; i++)
        {
            Tick q = Tick.NewQuote(0, i, 1, 1, 2, 1);
            engine.Publish(ref q);
        }

        subscriber.Drain(ref sink, 0);
        Assert.Equal(2, sink.Received.Count(r => r.IsSnapshot));
        Assert.Equal(new long[] { 1, 2, 3 }, sink.Sequences[0]);
        Assert.Equal(1, engine.SubscriptionCount(0));
    }
}
