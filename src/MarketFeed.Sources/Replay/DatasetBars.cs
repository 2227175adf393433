using MarketFeed.Core;
using MarketFeed.Core.Bars;

namespace MarketFeed.Sources.Replay;

/// <summary>Bars of one symbol of a dataset (tick log), computed from its ticks by the same rules as the live bars.</summary>
public static class DatasetBars
{
    /// <summary>
    /// Adds to <paramref name="into"/> the bars whose start lies in [<paramref name="from"/>,
    /// <paramref name="to"/>], oldest first; with <paramref name="last"/> &gt; 0 only the newest that
    /// many. At most <paramref name="max"/>: returns false when the range held more (the first
    /// <paramref name="max"/> are returned; page on with <c>from</c> after the last one).
    /// Throws <see cref="ArgumentException"/> when the dataset does not hold the symbol.
    /// </summary>
    public static bool Compute(string path, string symbol, BarInterval interval, long from, long to, int last, int max, List<Bar> into)
    {
        long readTo = to >= long.MaxValue - interval.Nanos ? long.MaxValue : interval.BarStart(to) + interval.Nanos - 1;
        using var cursor = ReplayCursor.Open(path, [symbol], from, readTo);
        var series = new BarSeries(interval, last > 0 ? last : max + 1);
        while (cursor.TryGetNext(out Tick tick))
        {
            series.Apply(tick);
            if (last <= 0 && series.Count > max)
            {
                break; // one bar past the page: enough to say there is more
            }
        }

        return series.CopyTo(into, from, to, last, max);
    }
}
