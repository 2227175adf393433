using MarketFeed.Core;
using MarketFeed.Engine;
using MarketFeed.Testing;
using Microsoft.Extensions.Time.Testing;

namespace MarketFeed.UnitTests.Engine;

public sealed class ThrottleTests
{
    [Fact]
    public void Throttle_HoldsUpdatesUntilIntervalPasses_ThenDeliversLatest()
    {
        var time = new FakeTimeProvider();
        var engine = new ConflationEngine(TestUniverse.Create(1), time: time);
        using var subscriber = engine.CreateSubscriber(new SenderSignal());
        subscriber.Subscribe(0, DeliveryMode.Conflated, maxUpdatesPerSecond: 10, snapshot: false);
        var sink = new RecordingSink();

        Tick q1 = Tick.NewQuote(0, 1, 100, 1, 101, 1);
        engine.Publish(ref q1);
        Assert.Equal(1, subscriber.Drain(ref sink, time.GetTimestamp()).Updates);

        Tick q2 = Tick.NewQuote(0, 2, 100, 2, 101, 2);
        Tick q3 = Tick.NewQuote(0, 3, 100, 3, 101, 3);
        engine.Publish(ref q2);
        engine.Publish(ref q3);
        DrainResult held = subscriber.Drain(ref sink, time.GetTimestamp());
        Assert.Equal(0, held.Updates);
        Assert.NotEqual(long.MaxValue, held.NextDueTimestamp);
        Assert.InRange(time.GetElapsedTime(time.GetTimestamp(), held.NextDueTimestamp).TotalMilliseconds, 99, 101);

        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(1, subscriber.Drain(ref sink, time.GetTimestamp()).Updates);
        Assert.Equal(3, sink.State[0].BidSize); // the latest, not the intermediate
        Assert.Equal(new long[] { 1, 3 }, sink.Sequences[0]);
    }

    [Fact]
    public void NoThrottle_DeliversOnEveryDrain()
    {
        var engine = new ConflationEngine(TestUniverse.Create(1));
        using var subscriber = engine.CreateSubscriber(new SenderSignal());
        subscriber.Subscribe(0, DeliveryMode.Conflated, snapshot: false);
        var sink = new RecordingSink();
        for (int i = 0; i < 5; i++)
        {
            Tick q = Tick.NewQuote(0, i, 100, i + 1, 101, 1);
            engine.Publish(ref q);
            Assert.Equal(1, subscriber.Drain(ref sink, 0).Updates);
        }
    }
}
