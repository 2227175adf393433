using MarketFeed.Gateway.Replay;
using Microsoft.Extensions.Time.Testing;

namespace MarketFeed.IntegrationTests;

/// <summary>The server-wide replay budget (a token bucket of one second) on a controlled clock.</summary>
public sealed class ReplayRateLimiterTests
{
    [Fact]
    public void StartsWithOneSecond_RefillsWithTheClock_NeverBeyondOneSecond()
    {
        var time = new FakeTimeProvider();
        var limiter = new ReplayRateLimiter(1000, time);

        Assert.Equal(1000, limiter.Take(5000));
        Assert.Equal(0, limiter.Take(1));
        Assert.Equal(10, limiter.MinimumBurst);
        Assert.Equal(TimeSpan.FromMilliseconds(10), limiter.UntilAvailable());

        time.Advance(TimeSpan.FromMilliseconds(4));
        Assert.Equal(TimeSpan.FromMilliseconds(6), limiter.UntilAvailable());
        time.Advance(TimeSpan.FromMilliseconds(6));
        Assert.Equal(TimeSpan.Zero, limiter.UntilAvailable());
        Assert.Equal(10, limiter.Take(100));

        time.Advance(TimeSpan.FromMilliseconds(250));
        Assert.Equal(250, limiter.Take(5000));

        time.Advance(TimeSpan.FromHours(3));
        Assert.Equal(1000, limiter.Take(5000));
    }

    [Fact]
    public void UnusedBudgetComesBack_UpToOneSecond()
    {
        var time = new FakeTimeProvider();
        var limiter = new ReplayRateLimiter(1000, time);
        Assert.Equal(600, limiter.Take(600));
        limiter.Return(200);
        Assert.Equal(600, limiter.Take(5000));
        limiter.Return(5000);
        Assert.Equal(1000, limiter.Take(5000));
    }

    [Fact]
    public void WakesForTenMillisecondsOfTicks()
    {
        var time = new FakeTimeProvider();
        var limiter = new ReplayRateLimiter(2_000_000, time);
        Assert.Equal(20_000, limiter.MinimumBurst);
        Assert.Equal(2_000_000, limiter.Take(int.MaxValue));
        Assert.Equal(TimeSpan.FromMilliseconds(10), limiter.UntilAvailable());
        time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal(20_000, limiter.Take(int.MaxValue));
        Assert.Equal(1, new ReplayRateLimiter(50, time).MinimumBurst);
    }

    [Fact]
    public void SessionsOnManyThreads_ShareOneBudget()
    {
        var time = new FakeTimeProvider();
        var limiter = new ReplayRateLimiter(100_000, time);
        long taken = 0;
        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            int n;
            while ((n = limiter.Take(7)) > 0)
            {
                Interlocked.Add(ref taken, n);
                if (n > 3)
                {
                    limiter.Return(1);
                    Interlocked.Decrement(ref taken);
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => Assert.True(t.Join(TimeSpan.FromSeconds(30))));

        Assert.Equal(100_000, Interlocked.Read(ref taken));
        Assert.Equal(0, limiter.Take(1));
    }
}
