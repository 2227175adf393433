using MarketFeed.Core;
using MarketFeed.Core.Bars;

namespace MarketFeed.Gateway.Bars;

/// <summary>
/// OHLCV bars of the live feed, per symbol and configured interval, built from every sequenced tick.
/// </summary>
/// <remarks>
/// <see cref="OnTick"/> runs on the engine's sequencer thread; readers (connections answering
/// <c>bars</c>) run on any thread. One lock per symbol: the sequencer takes it for the few
/// nanoseconds of an update, a reader for one bounded copy (at most <c>Bars:MaxBarsPerRequest</c>
/// bars), so the sequencer can wait at most that long on a reader. A symbol's series are created on
/// its first tick and grow with the bars they hold (see <see cref="BarSeries"/>).
/// </remarks>
public sealed class LiveBarStore : ITickObserver
{
    private readonly IReadOnlyList<(BarInterval Interval, int Capacity)> _intervals;
    private readonly SymbolBars?[] _symbols;

    /// <summary>Creates an empty store for <paramref name="symbolCount"/> dense symbol ids.</summary>
    public LiveBarStore(int symbolCount, IReadOnlyList<(BarInterval Interval, int Capacity)> intervals)
    {
        _intervals = intervals;
        _symbols = new SymbolBars?[symbolCount];
    }

    /// <summary>The configured intervals.</summary>
    public IReadOnlyList<(BarInterval Interval, int Capacity)> Intervals => _intervals;

    /// <inheritdoc />
    public void OnTick(in Tick tick)
    {
        if ((uint)tick.SymbolId >= (uint)_symbols.Length)
        {
            return;
        }

        SymbolBars bars = _symbols[tick.SymbolId] ?? Create(tick.SymbolId);
        lock (bars)
        {
            foreach (BarSeries series in bars.Series)
            {
                series.Apply(tick);
            }
        }
    }

    /// <summary>
    /// Copies the bars of a symbol for an interval (see <see cref="BarSeries.CopyTo"/>). Returns
    /// false when the interval is not configured; <paramref name="complete"/> is false when the
    /// range held more than <paramref name="max"/> bars.
    /// </summary>
    public bool TryCopy(int symbolId, BarInterval interval, long from, long to, int last, int max, List<Bar> into, out bool complete)
    {
        complete = true;
        int index = IndexOf(interval);
        if (index < 0)
        {
            return false;
        }

        SymbolBars? bars = (uint)symbolId < (uint)_symbols.Length ? Volatile.Read(ref _symbols[symbolId]) : null;
        if (bars is null)
        {
            return true;
        }

        lock (bars)
        {
            complete = bars.Series[index].CopyTo(into, from, to, last, max);
        }

        return true;
    }

    /// <summary>Bytes of bar storage held now (for metrics and the memory figures in docs/benchmarks.md).</summary>
    public long StorageBytes()
    {
        long total = 0;
        foreach (SymbolBars? bars in _symbols)
        {
            if (bars is null)
            {
                continue;
            }

            lock (bars)
            {
                foreach (BarSeries s in bars.Series)
                {
                    total += s.StorageBytes;
                }
            }
        }

        return total;
    }

    private int IndexOf(BarInterval interval)
    {
        for (int i = 0; i < _intervals.Count; i++)
        {
            if (_intervals[i].Interval == interval)
            {
                return i;
            }
        }

        return -1;
    }

    private SymbolBars Create(int symbolId)
    {
        var series = new BarSeries[_intervals.Count];
        for (int i = 0; i < series.Length; i++)
        {
            series[i] = new BarSeries(_intervals[i].Interval, _intervals[i].Capacity);
        }

        var created = new SymbolBars(series);
        Volatile.Write(ref _symbols[symbolId], created); // only the sequencer creates
        return created;
    }

    private sealed class SymbolBars(BarSeries[] series)
    {
        public BarSeries[] Series { get; } = series;
    }
}
