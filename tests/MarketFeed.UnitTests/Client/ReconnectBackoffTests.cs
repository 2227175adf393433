using MarketFeed.Client;

namespace MarketFeed.UnitTests.Client;

public sealed class ReconnectBackoffTests
{
    [Theory]
    [InlineData(0, 250)]
    [InlineData(1, 500)]
    [InlineData(3, 2000)]
    [InlineData(10, 30_000)]
    [InlineData(1000, 30_000)]
    public void Compute_NoJitter_DoublesPerAttemptUpToTheMax(int attempt, int expectedMs)
    {
        var delay = ReconnectBackoff.Compute(attempt, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30), 0, 0.5);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), delay);
    }

    [Theory]
    [InlineData(0.0, 800)]
    [InlineData(0.5, 1000)]
    [InlineData(0.999_999_999, 1200)]
    public void Compute_Jitter_SpreadsAroundTheBaseDelay(double random, int expectedMs)
    {
        var delay = ReconnectBackoff.Compute(2, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30), 0.2, random);

        Assert.Equal(expectedMs, delay.TotalMilliseconds, precision: 0);
    }

    [Fact]
    public void Compute_JitterAtTheCap_NeverExceedsMax()
    {
        var delay = ReconnectBackoff.Compute(20, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), 0.5, 0.999);

        Assert.True(delay <= TimeSpan.FromSeconds(5));
    }
}
