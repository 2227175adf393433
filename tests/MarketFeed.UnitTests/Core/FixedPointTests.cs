using MarketFeed.Core;
using MarketFeed.Testing;

namespace MarketFeed.UnitTests.Core;

public sealed class FixedPointTests
{
    [Theory]
    [InlineData("9682.19", 2, 968219)]
    [InlineData("0.001", 3, 1)]
    [InlineData("12", 4, 120000)]
    [InlineData("-0.5", 2, -50)]
    [InlineData("1.2300", 2, 123)]
    [InlineData("181.52", 4, 1815200)]
    public void Parse_IsExact(string text, int decimals, long expected) => Assert.Equal(expected, FixedPoint.Parse(text, decimals));

    [Theory]
    [InlineData("1.234", 2)]
    [InlineData("abc", 2)]
    [InlineData("", 2)]
    [InlineData("1.2.3", 2)]
    [InlineData("99999999999999999999", 0)]
    [InlineData("-", 2)]
    public void Parse_RejectsLossOrGarbage(string text, int decimals) => Assert.False(FixedPoint.TryParse(text, decimals, out _));

    [Theory]
    [InlineData(1815200, 4, "181.5200")]
    [InlineData(-50, 2, "-0.50")]
    [InlineData(7, 0, "7")]
    public void Format_WritesAllDecimals(long value, int decimals, string expected) => Assert.Equal(expected, FixedPoint.Format(value, decimals));

    [Fact]
    public void DefaultUniverse_LoadsHundredsOfSymbolsWithScales()
    {
        var universe = TestUniverse.Default();
        Assert.InRange(universe.Count, 200, 2000);
        Assert.True(universe.TryGet("aapl", out var aapl));
        Assert.Equal((4, 100L), (aapl.PriceDecimals, aapl.TickSize));
        Assert.True(universe.TryGet("BTCUSDT", out var btc));
        Assert.Equal((2, 3), (btc.PriceDecimals, btc.SizeDecimals));
    }

    [Theory]
    [InlineData("symbol,description,currency,priceDecimals,sizeDecimals,tickSize,lotSize,refPrice\nA,a,USD,2,0,0.01,1\n", ":2")]
    [InlineData("A,a,USD,x,0,0.01,1,1\n", ":1")]
    [InlineData("A,a,USD,2,0,0.001,1,1\n", ":1")]
    [InlineData("A,a,USD,2,0,0.01,1,1\nA,b,USD,2,0,0.01,1,1\n", "duplicate")]
    public void Universe_BadRows_ReportLine(string csv, string expected)
    {
        var ex = Assert.ThrowsAny<Exception>(() => SymbolUniverse.Parse(new StringReader(csv), "u.csv"));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnixTime_FormatsNanoseconds()
    {
        Assert.Equal("2013-10-07T13:30:00.000000001Z", UnixTime.Format(1_381_152_600_000_000_001));
    }
}
