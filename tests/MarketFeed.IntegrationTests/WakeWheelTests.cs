using MarketFeed.Engine;
using MarketFeed.Gateway.Connections;
using Microsoft.Extensions.Time.Testing;

namespace MarketFeed.IntegrationTests;

/// <summary>Throttled senders woken from one timer (WakeWheel), on a fake clock.</summary>
public sealed class WakeWheelTests
{
    private static readonly int[] DueMs = [25, 40, 100, 999, 3000];

    [Fact]
    public async Task EachWake_ComesAtOrWithinOneSlotAfterItsDueTime_NeverEarly()
    {
        var time = new FakeTimeProvider();
        using var wheel = new WakeWheel(time);
        var dues = DueMs.Select(ms => TimeSpan.FromMilliseconds(ms)).ToArray();
        var signals = dues.Select(_ => new SenderSignal()).ToArray();
        var woken = new TimeSpan?[dues.Length];
        var waits = signals.Select(s => s.WaitAsync()).ToArray(); // parked until set
        long start = time.GetTimestamp();
        for (int i = 0; i < dues.Length; i++)
        {
            wheel.Schedule(signals[i], start + (long)(dues[i].TotalSeconds * time.TimestampFrequency));
        }

        Assert.Equal(dues.Length, wheel.Count);
        for (int step = 0; step < 400; step++)
        {
            time.Advance(TimeSpan.FromMilliseconds(10));
            for (int i = 0; i < dues.Length; i++)
            {
                if (woken[i] is null && !signals[i].IsParked)
                {
                    woken[i] = time.GetElapsedTime(start);
                }
            }
        }

        for (int i = 0; i < dues.Length; i++)
        {
            Assert.NotNull(woken[i]);
            Assert.InRange(woken[i]!.Value, dues[i], dues[i] + TimeSpan.FromMilliseconds(10));
        }

        Assert.Equal(0, wheel.Count);
        foreach (ValueTask w in waits)
        {
            await w;
        }
    }

    [Fact]
    public async Task BeyondTheWheelsReach_WakesEarlyAtTheFarEnd_AndAWakeAlreadyDueComesWithTheNextSlot()
    {
        var time = new FakeTimeProvider();
        using var wheel = new WakeWheel(time);
        var signal = new SenderSignal();
        ValueTask wait = signal.WaitAsync();
        wheel.Schedule(signal, time.GetTimestamp() + (long)(60 * time.TimestampFrequency)); // 60 s: beyond 5.12 s
        time.Advance(TimeSpan.FromSeconds(5.2));
        Assert.False(signal.IsParked);
        Assert.Equal(0, wheel.Count);
        await wait;

        // Nothing scheduled for a while, then a wake-up already due: it comes with the next slot.
        time.Advance(TimeSpan.FromSeconds(10));
        var again = new SenderSignal();
        ValueTask second = again.WaitAsync();
        wheel.Schedule(again, time.GetTimestamp() - 1); // already due: the next slot
        Assert.True(again.IsParked);
        time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.False(again.IsParked);
        await second;
    }
}
