namespace MarketFeed.Core.Bars;

/// <summary>
/// The bars of one symbol for one interval, built tick by tick, keeping at most
/// <see cref="Capacity"/> (the oldest go first). See <see cref="Bar"/> for the rules.
/// </summary>
/// <remarks>
/// Not thread-safe: one writer, and readers that hold the same lock (see the live bar store).
/// Storage grows by doubling up to <see cref="Capacity"/>, so a symbol costs memory for the bars
/// it has, and <see cref="Apply"/> allocates only on those O(log capacity) growth steps.
/// Ticks are taken in the order they come: one stamped before the last bar's start (late or out of
/// order) counts in the last bar.
/// </remarks>
public sealed class BarSeries
{
    private Bar[] _bars;
    private int _head;
    private int _count;

    /// <summary>Creates an empty series.</summary>
    public BarSeries(BarInterval interval, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Interval = interval;
        Capacity = capacity;
        _bars = new Bar[Math.Min(capacity, 16)];
    }

    /// <summary>The interval.</summary>
    public BarInterval Interval { get; }

    /// <summary>Most bars kept.</summary>
    public int Capacity { get; }

    /// <summary>Bars held.</summary>
    public int Count => _count;

    /// <summary>Bytes of bar storage held now.</summary>
    public long StorageBytes => (long)_bars.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<Bar>();

    /// <summary>The <paramref name="index"/>-th bar held, oldest first.</summary>
    public ref readonly Bar this[int index] => ref _bars[(_head + index) % _bars.Length];

    /// <summary>Applies one sequenced quote or trade; returns true when a bar changed.</summary>
    public bool Apply(in Tick tick)
    {
        long start = Interval.BarStart(tick.Timestamp);
        if (tick.Kind == TickKind.Trade)
        {
            ApplyPrice(start, tick.Price, tick.Size, isTrade: true);
            return true;
        }

        if (tick.Kind != TickKind.Quote || tick.BidSize == 0 || tick.AskSize == 0)
        {
            return false; // a one-sided (or empty) book has no mid
        }

        long mid = (tick.BidPrice / 2) + (tick.AskPrice / 2) + ((tick.BidPrice % 2) + (tick.AskPrice % 2)) / 2;
        return ApplyPrice(start, mid, 0, isTrade: false);
    }

    /// <summary>
    /// Copies the bars whose start lies in [<paramref name="from"/>, <paramref name="to"/>], oldest
    /// first; with <paramref name="last"/> &gt; 0 only the newest that many of them. At most
    /// <paramref name="max"/> are copied (the oldest first); returns false when more were in range.
    /// </summary>
    public bool CopyTo(List<Bar> into, long from, long to, int last, int max)
    {
        int first = 0;
        while (first < _count && this[first].Start < from)
        {
            first++;
        }

        int end = first;
        while (end < _count && this[end].Start <= to)
        {
            end++;
        }

        if (last > 0 && end - first > last)
        {
            first = end - last;
        }

        int take = Math.Min(end - first, max);
        for (int i = first; i < first + take; i++)
        {
            into.Add(this[i]);
        }

        return take == end - first;
    }

    private bool ApplyPrice(long start, long price, long size, bool isTrade)
    {
        if (_count == 0 || start > Last().Start)
        {
            Append(start, price, size, isTrade);
            return true;
        }

        ref Bar bar = ref Last();
        if (isTrade && bar.Basis == BarBasis.QuoteMid)
        {
            // The first trade of a bar that so far had only quotes: trades rule from here.
            bar = NewBar(bar.Start, price, size, isTrade: true);
            return true;
        }

        if (!isTrade && bar.Basis == BarBasis.Trades)
        {
            return false;
        }

        bar.High = Math.Max(bar.High, price);
        bar.Low = Math.Min(bar.Low, price);
        bar.Close = price;
        if (isTrade)
        {
            bar.Volume += size;
            bar.Count++;
        }

        return true;
    }

    private void Append(long start, long price, long size, bool isTrade)
    {
        if (_count == _bars.Length && _bars.Length < Capacity)
        {
            var grown = new Bar[Math.Min(Capacity, _bars.Length * 2)];
            for (int i = 0; i < _count; i++)
            {
                grown[i] = this[i];
            }

            _bars = grown;
            _head = 0;
        }

        if (_count == _bars.Length)
        {
            _bars[_head] = NewBar(start, price, size, isTrade); // full: the oldest goes
            _head = (_head + 1) % _bars.Length;
            return;
        }

        _bars[(_head + _count) % _bars.Length] = NewBar(start, price, size, isTrade);
        _count++;
    }

    private ref Bar Last() => ref _bars[(_head + _count - 1) % _bars.Length];

    private static Bar NewBar(long start, long price, long size, bool isTrade) => new()
    {
        Start = start,
        Open = price,
        High = price,
        Low = price,
        Close = price,
        Volume = isTrade ? size : 0,
        Count = isTrade ? 1 : 0,
        Basis = isTrade ? BarBasis.Trades : BarBasis.QuoteMid,
    };
}
