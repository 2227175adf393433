using System.Runtime.CompilerServices;
using MarketFeed.Core;

namespace MarketFeed.Engine;

/// <summary>
/// Assigns per-symbol sequence numbers (1, 2, 3, ... per symbol) and the trade accumulator
/// (cumulative volume and trade count) to raw ticks. This is the "source side" of the engine:
/// a scaled-out gateway receives ticks already sequenced by an ingest node and skips it.
/// </summary>
/// <remarks>Single-threaded: only the sequencer thread calls <see cref="Sequence"/>.</remarks>
public sealed class TickSequencer
{
    private readonly long[] _sequence;
    private readonly long[] _volume;
    private readonly long[] _trades;

    /// <summary>Creates a sequencer for <paramref name="symbolCount"/> symbols.</summary>
    public TickSequencer(int symbolCount)
    {
        _sequence = new long[symbolCount];
        _volume = new long[symbolCount];
        _trades = new long[symbolCount];
    }

    /// <summary>Stamps sequence (and, for trades, the accumulator) on the tick.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Sequence(ref Tick tick)
    {
        int id = tick.SymbolId;
        tick.Sequence = ++_sequence[id];
        if (tick.Kind == TickKind.Trade)
        {
            tick.CumulativeVolume = _volume[id] += tick.Size;
            tick.TradeCount = ++_trades[id];
        }
    }

    /// <summary>
    /// Continues a symbol's numbering from a restored state: the next tick gets
    /// <paramref name="lastSequence"/> + 1 and trades add to the accumulator. Before the first tick only.
    /// </summary>
    public void Restore(int symbolId, long lastSequence, long cumulativeVolume, long tradeCount)
    {
        _sequence[symbolId] = lastSequence;
        _volume[symbolId] = cumulativeVolume;
        _trades[symbolId] = tradeCount;
    }

    /// <summary>Last sequence number assigned to a symbol (0 if none).</summary>
    public long LastSequence(int symbolId) => _sequence[symbolId];
}
