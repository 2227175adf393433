using MarketFeed.Core;

namespace MarketFeed.UnitTests.Core;

public sealed class TimeTextTests
{
    private const long T = 1_381_152_600_000_000_000; // 2013-10-07T13:30:00Z

    [Theory]
    [InlineData("2013-10-07T13:30:00Z", T)]
    [InlineData("2013-10-07T13:30:00", T)]
    [InlineData("2013-10-07 13:30", T)]
    [InlineData("2013-10-07T09:30:00-04:00", T)]
    [InlineData("2013-10-07T13:30:00.000000001Z", T + 1)]
    [InlineData("2013-10-07T13:30:00.5Z", T + 500_000_000)]
    [InlineData("2013-10-07", T - (13 * 3600 + 1800) * 1_000_000_000L)]
    [InlineData("1381152600s", T)]
    [InlineData("1381152600.25s", T + 250_000_000)]
    [InlineData("1381152600000ms", T)]
    [InlineData("1381152600000000us", T)]
    [InlineData("1381152600000000000ns", T)]
    public void Accepted_IsoAndUnitSuffixed(string text, long expected)
    {
        Assert.True(TimeText.TryParse(text, out long ns, out string? error), error);
        Assert.Equal(expected, ns);
    }

    [Theory]
    [InlineData("20131010", "ambiguous")]                 // once read as 20,131,010 ns since 1970
    [InlineData("1381152600", "ambiguous")]               // seconds? ms? ns?
    [InlineData("1381152600000000000", "ambiguous")]
    [InlineData("10/11/2013", "ambiguous")]               // once read month-first
    [InlineData("11.10.2013", "ambiguous")]
    [InlineData("Oct 7 2013", "not a time")]
    [InlineData("2013-13-01", "not a time")]
    [InlineData("2013-02-30", "not a time")]
    [InlineData("2013-10-07T25:00", "not a time")]
    [InlineData("2013-10-07T13:30:00+5", "not a time")]
    [InlineData("-5s", "not a time")]
    [InlineData("5 minutes", "not a time")]
    [InlineData("", "empty")]
    public void Rejected_WithAMessageShowingWhatIsAccepted(string text, string why)
    {
        Assert.False(TimeText.TryParse(text, out _, out string? error));
        Assert.Contains(why, error, StringComparison.Ordinal);
        if (text.Length > 0)
        {
            Assert.Contains("ISO-8601 (2013-10-07", error, StringComparison.Ordinal);
            Assert.Contains("1381152600000ms", error, StringComparison.Ordinal);
        }
    }
}
