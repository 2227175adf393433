using MarketFeed.Core;
using MarketFeed.Core.Bars;
using MarketFeed.Core.Concurrency;

namespace MarketFeed.Gateway.Bars;

/// <summary>
/// OHLCV bars per symbol and configured interval, built from every sequenced tick of one engine (the
/// live feed's, or a replay session's private one).
/// </summary>
/// <remarks>
/// <para>
/// <see cref="OnTick"/> runs on the engine's sequencer thread (single writer); readers run on any
/// thread. Each symbol has a seqlock version (the project's <see cref="Seqlock"/>) around every
/// write, and a lock that the writer takes only when a tick opens a new bar in one of the series
/// (about once per shortest interval per symbol): a tick inside the current bars takes no lock, does
/// no division and allocates nothing.
/// </para>
/// <para>
/// Readers: <see cref="TryReadNewest"/> (live bar updates, per frame) copies the two newest bars
/// under the seqlock and retries if a write overlapped. <see cref="TryCopy"/> (a <c>bars</c> reply,
/// up to <c>Bars:MaxBarsPerRequest</c> bars) holds the lock, so no bar is appended or evicted while
/// it copies; only the newest bar can change under it, and that one is read under the seqlock. The
/// writer waits for such a copy only when it opens a new bar.
/// </para>
/// <para>
/// A symbol's series are created on its first tick and grow with the bars they hold (see
/// <see cref="BarSeries"/>).
/// </para>
/// </remarks>
public sealed class LiveBarStore : ITickObserver
{
    /// <summary>Most intervals one store keeps (a subscription's intervals are a bit mask).</summary>
    public const int MaxIntervals = 32;

    private readonly IReadOnlyList<(BarInterval Interval, int Capacity)> _intervals;
    private readonly string[] _names;
    private readonly SymbolBars?[] _symbols;

    /// <summary>Creates an empty store for <paramref name="symbolCount"/> dense symbol ids.</summary>
    public LiveBarStore(int symbolCount, IReadOnlyList<(BarInterval Interval, int Capacity)> intervals)
    {
        if (intervals.Count > MaxIntervals)
        {
            throw new ArgumentException($"at most {MaxIntervals} bar intervals", nameof(intervals));
        }

        _intervals = intervals;
        _names = new string[intervals.Count];
        for (int i = 0; i < _names.Length; i++)
        {
            _names[i] = intervals[i].Interval.Name;
        }

        _symbols = new SymbolBars?[symbolCount];
    }

    /// <summary>The configured intervals.</summary>
    public IReadOnlyList<(BarInterval Interval, int Capacity)> Intervals => _intervals;

    /// <summary>The canonical name of the interval at <paramref name="index"/> (cached: no allocation per message).</summary>
    public string NameOf(int index) => _names[index];

    /// <inheritdoc />
    public void OnTick(in Tick tick)
    {
        if ((uint)tick.SymbolId >= (uint)_symbols.Length)
        {
            return;
        }

        SymbolBars bars = _symbols[tick.SymbolId] ?? Create(tick.SymbolId);
        BarSeries[] series = bars.Series;
        bool opensBar = false;
        for (int i = 0; i < series.Length; i++)
        {
            opensBar |= series[i].NeedsNewBar(tick.Timestamp);
        }

        if (!opensBar)
        {
            Write(bars, tick);
            return;
        }

        lock (bars)
        {
            Write(bars, tick);
        }
    }

    /// <summary>Forgets every bar of every symbol (a replay seek). Writer thread only.</summary>
    public void Clear()
    {
        foreach (SymbolBars? bars in _symbols)
        {
            if (bars is null)
            {
                continue;
            }

            lock (bars)
            {
                long version = Seqlock.BeginWrite(ref bars.Version);
                foreach (BarSeries s in bars.Series)
                {
                    s.Clear();
                }

                Seqlock.EndWrite(ref bars.Version, version);
            }
        }
    }

    /// <summary>The position of <paramref name="interval"/> among <see cref="Intervals"/>, or -1.</summary>
    public int IndexOf(BarInterval interval)
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

    /// <summary>
    /// Copies the newest bar of a symbol for the interval at <paramref name="intervalIndex"/> and the
    /// one before it, consistently (never torn). Returns how many it copied: 0 (no bar yet), 1 or 2.
    /// Any thread; never blocks the writer.
    /// </summary>
    public int TryReadNewest(int symbolId, int intervalIndex, out Bar newest, out Bar previous)
    {
        newest = default;
        previous = default;
        SymbolBars? bars = (uint)symbolId < (uint)_symbols.Length ? Volatile.Read(ref _symbols[symbolId]) : null;
        if (bars is null)
        {
            return 0;
        }

        BarSeries series = bars.Series[intervalIndex];
        var spinner = default(SpinWait);
        while (true)
        {
            long before = Volatile.Read(ref bars.Version);
            if ((before & 1) == 0)
            {
                int copied = series.CopyNewest(out newest, out previous);
                if (Seqlock.Validate(ref bars.Version, before))
                {
                    return copied;
                }
            }

            spinner.SpinOnce(sleep1Threshold: -1);
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

        BarSeries series = bars.Series[index];
        lock (bars)
        {
            // No bar is appended or evicted while the lock is held; only the newest can still change.
            int start = into.Count;
            complete = series.CopyTo(into, from, to, last, max);
            if (into.Count > start && series.Count > 0)
            {
                int copied = TryReadNewest(symbolId, index, out Bar newest, out _);
                if (copied > 0 && into[^1].Start == newest.Start)
                {
                    into[^1] = newest; // the consistent copy of the bar the writer may be updating
                }
            }
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

    private static void Write(SymbolBars bars, in Tick tick)
    {
        BarSeries[] series = bars.Series;
        long version = Seqlock.BeginWrite(ref bars.Version);
        for (int i = 0; i < series.Length; i++)
        {
            series[i].Apply(tick);
        }

        Seqlock.EndWrite(ref bars.Version, version);
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
        public long Version;

        public BarSeries[] Series { get; } = series;
    }
}
