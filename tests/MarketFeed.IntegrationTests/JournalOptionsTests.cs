using MarketFeed.Gateway.Options;

namespace MarketFeed.IntegrationTests;

public sealed class JournalOptionsTests
{
    [Fact]
    public void Validate_RemovedFullQueueCapacity_FailsNamingJournalCapacity()
    {
        var options = new FeedOptions { FullQueueCapacity = 16384 };
        var error = Assert.Throws<InvalidOperationException>(options.Validate);
        Assert.Contains("Feed:JournalCapacity", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(8, false)]
    [InlineData(16, true)]
    [InlineData(131_072, true)]
    [InlineData(1 << 27, false)]
    public void Validate_JournalCapacity_Range(int capacity, bool valid)
    {
        var options = new FeedOptions { JournalCapacity = capacity };
        if (valid)
        {
            options.Validate();
        }
        else
        {
            Assert.Contains("JournalCapacity", Assert.Throws<InvalidOperationException>(options.Validate).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Default_HoldsAtLeast60SecondsOfTheDefaultSimulatorRate()
    {
        double rate = new MarketFeed.Sources.Simulation.SimulatorOptions().TicksPerSecond;
        Assert.True(new FeedOptions().JournalCapacity >= 60 * rate);
    }
}
