using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using MarketFeed.Core;

namespace MarketFeed.Engine;

/// <summary>
/// Latest <see cref="MarketSnapshot"/> per symbol, each guarded by a seqlock: one writer (the
/// sequencer thread) makes the version odd, writes, makes it even; readers copy the state and
/// retry if the version was odd or changed.
/// </summary>
/// <remarks>
/// <see cref="Apply"/> must only be called by the single sequencer thread. <see cref="Read"/> may be
/// called by any thread at any time and never blocks the writer. On x86/x64 stores are not
/// reordered with stores and loads not with loads, so the store-store and load-load fences a weak
/// memory model needs are compiled out (<see cref="X86Base.IsSupported"/> is a JIT constant).
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
    public void Apply(in Tick tick)
    {
        ref Cell cell = ref _cells[tick.SymbolId];
        long version = cell.Version;
        Volatile.Write(ref cell.Version, version + 1);
        if (!X86Base.IsSupported)
        {
            Interlocked.MemoryBarrier(); // odd version visible before the data it guards
        }

        cell.State.Apply(tick);
        Volatile.Write(ref cell.Version, version + 2);
    }

    /// <summary>Replaces a symbol's whole state (e.g. the position a replay starts or seeks to). Sequencer thread only.</summary>
    public void Set(in MarketSnapshot state)
    {
        ref Cell cell = ref _cells[state.SymbolId];
        long version = cell.Version;
        Volatile.Write(ref cell.Version, version + 1);
        if (!X86Base.IsSupported)
        {
            Interlocked.MemoryBarrier();
        }

        cell.State = state;
        Volatile.Write(ref cell.Version, version + 2);
    }

    /// <summary>Copies the latest state of a symbol; consistent (never torn). Any thread.</summary>
    public void Read(int symbolId, out MarketSnapshot snapshot)
    {
        ref Cell cell = ref _cells[symbolId];
        var spinner = default(SpinWait);
        while (true)
        {
            long before = Volatile.Read(ref cell.Version);
            if ((before & 1) == 0)
            {
                snapshot = cell.State;
                if (!X86Base.IsSupported)
                {
                    Interlocked.MemoryBarrier(); // data loads complete before the version re-read
                }

                if (Volatile.Read(ref cell.Version) == before)
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
        public MarketSnapshot State;
    }
}
