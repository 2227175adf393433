using MarketFeed.Core;
using MarketFeed.Core.Bars;

namespace MarketFeed.UnitTests.Core;

public sealed class BarSeriesTests
{
    private static readonly BarInterval Minute = BarInterval.Parse("1m");
    private static readonly long T0 = 1_700_000_040L * UnixTime.NanosPerSecond; // a whole minute, UTC

    private static Tick Trade(long at, long price, long size) => Tick.NewTrade(0, at, price, size, TradeSide.Buy);

    private static Tick Quote(long at, long bid, long ask, long bidSize = 1, long askSize = 1) => Tick.NewQuote(0, at, bid, bidSize, ask, askSize);

    private static long Sec(double s) => (long)(s * UnixTime.NanosPerSecond);

    [Fact]
    public void Trades_MakeOhlcvPerUtcMinute_BoundaryTickOpensTheNextBar()
    {
        var series = new BarSeries(Minute, 10);
        series.Apply(Trade(T0, 100, 5));
        series.Apply(Trade(T0 + Sec(10), 120, 1));
        series.Apply(Trade(T0 + Sec(20), 90, 2));
        series.Apply(Trade(T0 + Sec(60) - 1, 110, 3)); // last nanosecond of the bar
        series.Apply(Trade(T0 + Sec(60), 111, 7)); // first nanosecond of the next

        Assert.Equal(2, series.Count);
        var first = series[0];
        Assert.Equal((T0, 100L, 120L, 90L, 110L, 11L, 4L, BarBasis.Trades), (first.Start, first.Open, first.High, first.Low, first.Close, first.Volume, first.Count, first.Basis));
        var second = series[1];
        Assert.Equal((T0 + Sec(60), 111L, 111L, 111L, 111L, 7L, 1L), (second.Start, second.Open, second.High, second.Low, second.Close, second.Volume, second.Count));
    }

    [Fact]
    public void EmptyInterval_IsAGap_NotAFlatBar()
    {
        var series = new BarSeries(Minute, 10);
        series.Apply(Trade(T0, 100, 1));
        series.Apply(Trade(T0 + Sec(180), 101, 1)); // nothing in minutes 2 and 3
        Assert.Equal(2, series.Count);
        Assert.Equal(T0 + Sec(180), series[1].Start);
    }

    [Fact]
    public void QuoteOnlyBar_UsesTheMid_UntilATradeArrives()
    {
        var series = new BarSeries(Minute, 10);
        Assert.True(series.Apply(Quote(T0, 100, 103)));   // mid 101 (rounded down)
        Assert.True(series.Apply(Quote(T0 + 1, 110, 112))); // mid 111
        Assert.False(series.Apply(Quote(T0 + 2, 90, 95, bidSize: 0))); // one-sided: no mid
        var mid = series[0];
        Assert.Equal((BarBasis.QuoteMid, 101L, 111L, 101L, 111L, 0L, 0L), (mid.Basis, mid.Open, mid.High, mid.Low, mid.Close, mid.Volume, mid.Count));

        series.Apply(Trade(T0 + 3, 105, 4)); // the first trade restarts the bar from trades
        Assert.False(series.Apply(Quote(T0 + 4, 200, 202))); // and quotes no longer move it
        var traded = series[0];
        Assert.Equal((BarBasis.Trades, 105L, 105L, 105L, 105L, 4L, 1L), (traded.Basis, traded.Open, traded.High, traded.Low, traded.Close, traded.Volume, traded.Count));
    }

    [Fact]
    public void LateTick_CountsInTheNewestBar()
    {
        var series = new BarSeries(Minute, 10);
        series.Apply(Trade(T0 + Sec(61), 100, 1));
        series.Apply(Trade(T0 + Sec(5), 50, 2)); // stamped in the previous minute, arrives later
        Assert.Equal(1, series.Count);
        Assert.Equal((50L, 3L, 2L), (series[0].Low, series[0].Volume, series[0].Count));
    }

    [Fact]
    public void FullSeries_DropsTheOldest_AndGrowsByDoublingOnlyToCapacity()
    {
        var series = new BarSeries(BarInterval.Parse("1s"), 40);
        for (int i = 0; i < 100; i++)
        {
            series.Apply(Trade(T0 + Sec(i), 100 + i, 1));
        }

        Assert.Equal(40, series.Count);
        Assert.Equal(T0 + Sec(60), series[0].Start);
        Assert.Equal(T0 + Sec(99), series[39].Start);
        Assert.Equal(40L * System.Runtime.CompilerServices.Unsafe.SizeOf<Bar>(), series.StorageBytes);
    }

    [Fact]
    public void CopyTo_SelectsByStart_LastN_AndPagesAtMax()
    {
        var series = new BarSeries(BarInterval.Parse("1s"), 100);
        for (int i = 0; i < 10; i++)
        {
            series.Apply(Trade(T0 + Sec(i), 100 + i, 1));
        }

        var range = new List<Bar>();
        Assert.True(series.CopyTo(range, T0 + Sec(2), T0 + Sec(5), last: 0, max: 100));
        Assert.Equal([102L, 103L, 104L, 105L], range.Select(b => b.Open));

        var lastThree = new List<Bar>();
        Assert.True(series.CopyTo(lastThree, long.MinValue, long.MaxValue, last: 3, max: 100));
        Assert.Equal([107L, 108L, 109L], lastThree.Select(b => b.Open));

        var page = new List<Bar>();
        Assert.False(series.CopyTo(page, long.MinValue, long.MaxValue, last: 0, max: 4));
        Assert.Equal([100L, 101L, 102L, 103L], page.Select(b => b.Open));
    }

    [Fact]
    public void CopyNewest_GivesTheNewestAndTheOneBefore_AcrossTheRingsWrap_AndClearForgetsAll()
    {
        var series = new BarSeries(BarInterval.Parse("1s"), 3);
        Assert.Equal(0, series.CopyNewest(out _, out _));
        series.Apply(Trade(T0, 100, 1));
        Assert.Equal(1, series.CopyNewest(out Bar only, out _));
        Assert.Equal(100L, only.Open);
        for (int i = 1; i < 8; i++)
        {
            series.Apply(Trade(T0 + Sec(i), 100 + i, 1));
            series.Apply(Trade(T0 + Sec(i + 0.5), 200 + i, 2)); // inside the same bar: updated in place
            Assert.Equal(2, series.CopyNewest(out Bar newest, out Bar previous));
            Assert.Equal((T0 + Sec(i), 100L + i, 200L + i, 3L, 2L), (newest.Start, newest.Open, newest.Close, newest.Volume, newest.Count));
            Assert.Equal(T0 + Sec(i - 1), previous.Start);
            Assert.Equal(newest.Start, series[series.Count - 1].Start);
        }

        Assert.Equal([T0 + Sec(5), T0 + Sec(6), T0 + Sec(7)], Enumerable.Range(0, series.Count).Select(i => series[i].Start));
        series.Clear();
        Assert.Equal((0, 0), (series.Count, series.CopyNewest(out _, out _)));
        series.Apply(Trade(T0, 1, 1)); // earlier than what was held: a fresh start (a replay seek)
        Assert.Equal((1, T0), (series.Count, series[0].Start));
    }

    [Fact]
    public void NeedsNewBar_OnlyAtOrAfterTheNewestBarsEnd()
    {
        var series = new BarSeries(Minute, 10);
        Assert.True(series.NeedsNewBar(T0));
        series.Apply(Trade(T0 + Sec(30), 100, 1));
        Assert.False(series.NeedsNewBar(T0 + Sec(59.999)));
        Assert.False(series.NeedsNewBar(T0 - Sec(5))); // late: counts in the newest bar
        Assert.True(series.NeedsNewBar(T0 + Sec(60)));
    }

    [Theory]
    [InlineData("1s", 1, "1s")]
    [InlineData("60s", 60, "1m")]
    [InlineData("5m", 300, "5m")]
    [InlineData("90s", 90, "90s")]
    [InlineData("1h", 3600, "1h")]
    [InlineData("1d", 86_400, "1d")]
    public void Interval_ParsesAndNames(string text, long seconds, string name)
    {
        var interval = BarInterval.Parse(text);
        Assert.Equal(seconds, interval.Seconds);
        Assert.Equal(name, interval.Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("m")]
    [InlineData("0s")]
    [InlineData("-1m")]
    [InlineData("1x")]
    [InlineData("2d")]
    [InlineData("1.5m")]
    public void Interval_RejectsOtherForms(string text) => Assert.False(BarInterval.TryParse(text, out _));

    [Fact]
    public void BarStart_FloorsNegativeTimesToo()
    {
        Assert.Equal(-60 * UnixTime.NanosPerSecond, Minute.BarStart(-1));
        Assert.Equal(0, Minute.BarStart(0));
        Assert.Equal(T0, Minute.BarStart(T0 + Sec(59.9)));
    }
}
