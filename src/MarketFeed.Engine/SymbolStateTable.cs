using System.Runtime.CompilerServices;
using MarketFeed.Core;
using MarketFeed.Core.Concurrency;

namespace MarketFeed.Engine;

/// <summary>
/// Latest <see cref="MarketSnapshot"/> per symbol, each guarded by a seqlock: one writer (the
/// sequencer thread) makes the version odd, writes, makes it even; readers copy the state and
/// retry if the version was odd or changed.
/// </summary>
/// <remarks>
/// <see cref="Apply(in Tick, long)"/> must only be called by the single sequencer thread. <see cref="Read(int, out MarketSnapshot, out long)"/> may be
/// called by any thread at any time and never blocks the writer. Fences and orderings follow the
/// project's one <see cref="Seqlock"/> convention.
/// </remarks>
public sealed class SymbolStateTable
{
    private readonly Cell[] _cells;

    /// <summary>Creates a table for <paramref name="count"/> symbols (ids 0..count-1).</summary>
    public SymbolStateTable(int count)
    {
        _cells = new Cell[count];
        for (int i = 0; i < count; i++)
        {
            _cells[i].State.SymbolId = i;
        }
    }

    /// <summary>Number of symbols.</summary>
    public int Count => _cells.Length;

    /// <summary>Applies a sequenced tick. Sequencer thread only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(in Tick tick) => Apply(tick, 0);

    /// <summary>
    /// Applies a sequenced tick that has <paramref name="globalSequence"/> in the engine's journal
    /// (kept with the state, see <see cref="Read(int, out MarketSnapshot, out long)"/>). Sequencer thread only.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(in Tick tick, long globalSequence)
    {
        ref Cell cell = ref _cells[tick.SymbolId];
        long version = Seqlock.BeginWrite(ref cell.Version);
        cell.State.Apply(tick);
        cell.GlobalSequence = globalSequence;
        Seqlock.EndWrite(ref cell.Version, version);
    }

    /// <summary>Replaces a symbol's whole state (e.g. the position a replay starts or seeks to). Sequencer thread only.</summary>
    public void Set(in MarketSnapshot state)
    {
        ref Cell cell = ref _cells[state.SymbolId];
        long version = Seqlock.BeginWrite(ref cell.Version);
        cell.State = state;
        Seqlock.EndWrite(ref cell.Version, version);
    }

    /// <summary>Copies the latest state of a symbol; consistent (never torn). Any thread.</summary>
    public void Read(int symbolId, out MarketSnapshot snapshot) => Read(symbolId, out snapshot, out _);

    /// <summary>
    /// Copies the latest state of a symbol and the global sequence of the last tick applied to it
    /// (0 if none, or if it was applied without one); consistent (never torn). Any thread.
    /// </summary>
    public void Read(int symbolId, out MarketSnapshot snapshot, out long globalSequence)
    {
        ref Cell cell = ref _cells[symbolId];
        var spinner = default(SpinWait);
        while (true)
        {
            long before = Volatile.Read(ref cell.Version);
            if ((before & 1) == 0)
            {
                snapshot = cell.State;
                globalSequence = cell.GlobalSequence;
                if (Seqlock.Validate(ref cell.Version, before))
                {
                    return;
                }
            }

            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>The version counter of a symbol (even when stable); increases by 2 per applied tick.</summary>
    public long Version(int symbolId) => Volatile.Read(ref _cells[symbolId].Version);

    private struct Cell
    {
        public long Version;
        public long GlobalSequence;
        public MarketSnapshot State;
    }
}
