namespace MarketFeed.Core.Bars;

/// <summary>
/// The bars of one symbol for one interval, built tick by tick, keeping at most
/// <see cref="Capacity"/> (the oldest go first). See <see cref="Bar"/> for the rules.
/// </summary>
/// <remarks>
/// <para>
/// One writer. A tick inside the newest bar changes only that bar, in place; only a tick that opens
/// a new bar changes the ring's structure (<see cref="NeedsNewBar"/> says which, before applying),
/// so a concurrent owner can let readers copy older bars under a lock taken only on that rarer path
/// and read the newest through a seqlock (see the live bar store). Per tick: one comparison with the
/// newest bar's end, no division or modulo (the bar start is computed once per new bar), no allocation.
/// </para>
/// <para>
/// Storage grows by doubling up to <see cref="Capacity"/>, so a symbol costs memory for the bars
/// it has, and <see cref="Apply"/> allocates only on those O(log capacity) growth steps.
/// Ticks are taken in the order they come: one stamped before the last bar's start (late or out of
/// order) counts in the last bar.
/// </para>
/// </remarks>
public sealed class BarSeries
{
    private Bar[] _bars;
    private int _head;
    private int _count;
    private int _last;       // index of the newest bar in _bars (valid when _count > 0)
    private long _lastEnd;   // end (exclusive) of the newest bar; long.MinValue when empty

    /// <summary>Creates an empty series.</summary>
    public BarSeries(BarInterval interval, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Interval = interval;
        Capacity = capacity;
        _bars = new Bar[Math.Min(capacity, 16)];
        _lastEnd = long.MinValue;
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
    public ref readonly Bar this[int index]
    {
        get
        {
            Bar[] bars = _bars;
            int i = _head + index;
            return ref bars[i >= bars.Length ? i - bars.Length : i];
        }
    }

    /// <summary>True when a tick stamped <paramref name="timestamp"/> would open a new bar (change the ring, not just the newest bar).</summary>
    public bool NeedsNewBar(long timestamp) => timestamp >= _lastEnd;

    /// <summary>Applies one sequenced quote or trade; returns true when a bar changed.</summary>
    public bool Apply(in Tick tick)
    {
        if (tick.Kind == TickKind.Trade)
        {
            ApplyPrice(tick.Timestamp, tick.Price, tick.Size, isTrade: true);
            return true;
        }

        if (tick.Kind != TickKind.Quote || tick.BidSize == 0 || tick.AskSize == 0)
        {
            return false; // a one-sided (or empty) book has no mid
        }

        long mid = (tick.BidPrice / 2) + (tick.AskPrice / 2) + ((tick.BidPrice % 2) + (tick.AskPrice % 2)) / 2;
        return ApplyPrice(tick.Timestamp, mid, 0, isTrade: false);
    }

    /// <summary>
    /// Copies the newest bar and the one before it, if held. Safe against a concurrent writer in the
    /// sense that it never indexes out of range; the caller validates the copy (e.g. with a seqlock).
    /// </summary>
    public int CopyNewest(out Bar newest, out Bar previous)
    {
        Bar[] bars = _bars;
        int count = Math.Min(_count, bars.Length);
        int last = _last;
        newest = default;
        previous = default;
        if (count == 0 || (uint)last >= (uint)bars.Length)
        {
            return 0;
        }

        newest = bars[last];
        if (count == 1)
        {
            return 1;
        }

        previous = bars[last == 0 ? bars.Length - 1 : last - 1];
        return 2;
    }

    /// <summary>Forgets every bar (keeps the storage).</summary>
    public void Clear()
    {
        _head = 0;
        _count = 0;
        _last = 0;
        _lastEnd = long.MinValue;
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

    private bool ApplyPrice(long timestamp, long price, long size, bool isTrade)
    {
        if (timestamp >= _lastEnd)
        {
            long start = Interval.BarStart(timestamp); // the only division: once per new bar
            Append(start, price, size, isTrade);
            _lastEnd = start + Interval.Nanos;
            return true;
        }

        ref Bar bar = ref _bars[_last];
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

        if (price > bar.High)
        {
            bar.High = price;
        }

        if (price < bar.Low)
        {
            bar.Low = price;
        }

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
            _last = _count - 1;
        }

        int next = _count == 0 ? _head : (_last + 1 == _bars.Length ? 0 : _last + 1);
        _bars[next] = NewBar(start, price, size, isTrade);
        _last = next;
        if (_count == _bars.Length)
        {
            _head = _head + 1 == _bars.Length ? 0 : _head + 1; // full: the oldest went
        }
        else
        {
            _count++;
        }
    }

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
