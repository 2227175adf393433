using MarketFeed.Core;

namespace MarketFeed.Sources.Import;

/// <summary>
/// Assigns what the live sequencer would: per-symbol <see cref="Tick.Sequence"/> 1, 2, 3... over
/// ticks of both kinds, and on trades the cumulative volume and trade count.
/// </summary>
public sealed class ImportSequencer
{
    private long[] _sequence;
    private long[] _volume;
    private long[] _count;

    /// <summary>Creates a sequencer for symbol ids 0..symbolCount-1 (grows if needed).</summary>
    public ImportSequencer(int symbolCount = 16)
    {
        int n = Math.Max(1, symbolCount);
        _sequence = new long[n];
        _volume = new long[n];
        _count = new long[n];
    }

    /// <summary>Sequences one tick in place.</summary>
    public void Apply(ref Tick tick)
    {
        int id = tick.SymbolId;
        if (id >= _sequence.Length)
        {
            int n = Math.Max(id + 1, _sequence.Length * 2);
            Array.Resize(ref _sequence, n);
            Array.Resize(ref _volume, n);
            Array.Resize(ref _count, n);
        }

        tick.Sequence = ++_sequence[id];
        if (tick.Kind == TickKind.Trade)
        {
            _volume[id] += tick.Size;
            tick.CumulativeVolume = _volume[id];
            tick.TradeCount = ++_count[id];
        }
    }

    /// <summary>Sequences ticks in place, in order.</summary>
    public void Apply(Span<Tick> ticks)
    {
        for (int i = 0; i < ticks.Length; i++)
        {
            Apply(ref ticks[i]);
        }
    }
}
