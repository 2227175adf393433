using MarketFeed.Gateway.Connections;
using Microsoft.Extensions.Time.Testing;

namespace MarketFeed.IntegrationTests;

/// <summary>One timer for every connection's heartbeat (HeartbeatWheel), on a fake clock.</summary>
public sealed class HeartbeatWheelTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    [Fact]
    public void EveryTarget_GetsExactlyOneHeartbeatPerInterval_SpreadOverTheInterval()
    {
        var time = new FakeTimeProvider();
        using var wheel = new HeartbeatWheel(Interval, time);
        Target[] targets = AddTargets(wheel, 100);

        Assert.Equal(16, wheel.BucketCount);
        Assert.Equal(100, wheel.Count);

        // Tick by tick through three intervals: at most one bucket's share is due per tick.
        int ticks = 3 * wheel.BucketCount;
        for (int i = 0; i < ticks; i++)
        {
            int before = targets.Sum(t => t.Due);
            time.Advance(wheel.TickPeriod);
            int now = targets.Sum(t => t.Due);
            Assert.InRange(now - before, 6, 7); // 100 over 16 buckets
        }

        Assert.All(targets, t => Assert.Equal(3, t.Due));
    }

    [Fact]
    public void RemovedTargets_GetNoMoreHeartbeats_TheOthersKeepTheirs()
    {
        var time = new FakeTimeProvider();
        using var wheel = new HeartbeatWheel(Interval, time);
        Target[] targets = AddTargets(wheel, 40);

        time.Advance(Interval);
        Assert.All(targets, t => Assert.Equal(1, t.Due));

        // Remove every other one (each removal swaps the bucket's last into its place).
        foreach (Target t in targets.Where((_, i) => i % 2 == 0))
        {
            wheel.Remove(t);
            Assert.Equal(-1, t.HeartbeatBucket);
        }

        wheel.Remove(targets[0]); // twice: a no-op
        Assert.Equal(20, wheel.Count);
        time.Advance(Interval * 2);
        for (int i = 0; i < targets.Length; i++)
        {
            Assert.Equal(i % 2 == 0 ? 1 : 3, targets[i].Due);
        }
    }

    [Fact]
    public void ShortIntervals_UseFewerBuckets_SoTheWheelNeverTicksFasterThan10Ms()
    {
        var time = new FakeTimeProvider();
        using var wheel = new HeartbeatWheel(TimeSpan.FromMilliseconds(50), time);
        Assert.Equal(5, wheel.BucketCount);
        Assert.Equal(TimeSpan.FromMilliseconds(10), wheel.TickPeriod);
        var target = new Target();
        wheel.Add(target);
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(10, target.Due);
    }

    private static Target[] AddTargets(HeartbeatWheel wheel, int count)
    {
        var targets = Enumerable.Range(0, count).Select(_ => new Target()).ToArray();
        foreach (Target t in targets)
        {
            wheel.Add(t);
        }

        return targets;
    }

    private sealed class Target : IHeartbeatTarget
    {
        public int Due;

        public int HeartbeatBucket { get; set; } = -1;

        public int HeartbeatIndex { get; set; } = -1;

        public void OnHeartbeatDue() => Due++;
    }
}
