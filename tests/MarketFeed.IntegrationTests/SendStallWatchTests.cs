using MarketFeed.Gateway.Connections;
using Microsoft.Extensions.Time.Testing;

namespace MarketFeed.IntegrationTests;

/// <summary>The slow-consumer rule on a fake clock: stalled after the timeout, never charged for the server's own pauses.</summary>
public sealed class SendStallWatchTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan Period = SendStallWatch.PeriodFor(Timeout);

    [Fact]
    public void PendingSend_IsStalledAtTheFirstRoundPastTheTimeout_NotBefore()
    {
        var time = new FakeTimeProvider();
        var watch = default(SendStallWatch);
        time.Advance(TimeSpan.FromMilliseconds(7));
        long started = time.GetTimestamp();
        var pending = TimeSpan.Zero;
        time.Advance(TimeSpan.FromMilliseconds(100)); // the first round comes some time after the send started
        pending += TimeSpan.FromMilliseconds(100);
        while (!watch.Observe(started, time.GetTimestamp(), Timeout, time))
        {
            Assert.True(pending < Timeout, $"not stalled after {pending}");
            time.Advance(Period);
            pending += Period;
        }

        Assert.InRange(pending, Timeout, Timeout + Period);
    }

    [Fact]
    public void ServerPause_IsNotChargedToTheClient_ButARealStallStillIsAfterThreeMoreRounds()
    {
        var time = new FakeTimeProvider();
        var watch = default(SendStallWatch);
        long started = time.GetTimestamp();

        // The process did not run for 10 s (GC pause, CPU starvation): the watchdog's next round is that late.
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(watch.Observe(started, time.GetTimestamp(), Timeout, time));

        // The peer took the frame as soon as the process ran again: a new send, nobody dropped.
        time.Advance(TimeSpan.FromMilliseconds(1));
        long next = time.GetTimestamp();
        for (int round = 0; round < SendStallWatch.Rounds - 1; round++)
        {
            time.Advance(Period / 2);
            Assert.False(watch.Observe(next, time.GetTimestamp(), Timeout, time));
            next = time.GetTimestamp(); // each round sees a different (newer) pending send
        }

        // A send that stays pending through the pause and three more live rounds is a real stall.
        var other = default(SendStallWatch);
        long stuck = time.GetTimestamp();
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(other.Observe(stuck, time.GetTimestamp(), Timeout, time));
        for (int round = 1; round < SendStallWatch.Rounds - 1; round++)
        {
            time.Advance(Period);
            Assert.False(other.Observe(stuck, time.GetTimestamp(), Timeout, time));
        }

        time.Advance(Period);
        Assert.True(other.Observe(stuck, time.GetTimestamp(), Timeout, time));
    }

    [Fact]
    public void NoPendingSend_ResetsTheCount()
    {
        var time = new FakeTimeProvider();
        var watch = default(SendStallWatch);
        long started = time.GetTimestamp();
        for (int round = 0; round < SendStallWatch.Rounds - 1; round++)
        {
            time.Advance(Period);
            Assert.False(watch.Observe(started, time.GetTimestamp(), Timeout, time));
        }

        Assert.False(watch.Observe(0, time.GetTimestamp(), Timeout, time));

        // The same timestamp pending again (a new send that started in the same tick) counts from one.
        time.Advance(Timeout);
        Assert.False(watch.Observe(started, time.GetTimestamp(), Timeout, time));
    }

    [Fact]
    public void Period_IsAQuarterOfTheTimeout_AtLeast10Ms()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), SendStallWatch.PeriodFor(Timeout));
        Assert.Equal(TimeSpan.FromMilliseconds(10), SendStallWatch.PeriodFor(TimeSpan.FromMilliseconds(20)));
    }
}
