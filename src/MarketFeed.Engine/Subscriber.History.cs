using MarketFeed.Core;

namespace MarketFeed.Engine;

/// <summary>
/// Full-mode resume from durable history: when the journal no longer holds the tick after a
/// client's <c>seq</c> (it was away longer than the journal reaches, or the server restarted), the
/// engine's <see cref="ConflationEngine.History"/> (the recording on disk) supplies the ticks from
/// there up to the newest one on disk, and the journal continues right after that one.
/// </summary>
/// <remarks>
/// The ticks read from disk wait in a per-subscriber backfill list and are drained before any
/// journal tick (the cursor does not move meanwhile; the slot's baseline is the last disk tick, so
/// the journal's copies of older ticks are skipped). A backfill is bounded by the history's limits;
/// a reader whose cursor is lapped while it drains one is dropped with 4001, as any slow reader.
/// </remarks>
public sealed partial class Subscriber
{
    private readonly List<Backfill> _backfills = [];

    /// <summary>
    /// Under the lock, after the entry is published and the state read: reads the ticks after
    /// <paramref name="after"/> from history and joins the journal right after the last of them.
    /// </summary>
    private bool TryResumeFromHistory(ref Slot s, int slot, int symbolId, long after, long stateSequence)
    {
        if (_engine.History is not { } history || after >= stateSequence)
        {
            return false;
        }

        var ticks = new List<Tick>();
        if (!history.TryReadAfter(symbolId, after, ticks))
        {
            return false;
        }

        // The disk may already hold ticks newer than the state read before it: those come from the journal.
        int keep = ticks.Count;
        while (keep > 0 && ticks[keep - 1].Sequence > stateSequence)
        {
            keep--;
        }

        ticks.RemoveRange(keep, ticks.Count - keep);
        long last = keep > 0 ? ticks[^1].Sequence : after;
        if (!TryFindResumePosition(symbolId, last, stateSequence, out long start, out long head))
        {
            return false; // the journal does not continue where the disk ends
        }

        s.Baseline = last;
        RewindCursor(start, head);
        if (ticks.Count > 0)
        {
            _backfills.Add(new Backfill(slot, s.Generation, ticks));
        }

        return true;
    }

    /// <summary>Hands on ticks read from history, before any journal tick. True if more remain.</summary>
    private bool DrainBackfills<TSink>(ref TSink sink, ref int updates)
        where TSink : IUpdateSink, allows ref struct
    {
        while (_backfills.Count > 0)
        {
            Backfill b = _backfills[0];
            ref Slot s = ref _slots[b.Slot];
            if (s.Generation == b.Generation && s.SymbolId >= 0)
            {
                while (b.Next < b.Ticks.Count)
                {
                    if (!sink.HasRoom)
                    {
                        return true;
                    }

                    sink.OnTick(b.Ticks[b.Next]);
                    b.Next++;
                    updates++;
                }
            }

            _backfills.RemoveAt(0);
        }

        return false;
    }

    private sealed class Backfill(int slot, int generation, List<Tick> ticks)
    {
        public int Slot { get; } = slot;

        public int Generation { get; } = generation;

        public List<Tick> Ticks { get; } = ticks;

        public int Next { get; set; }
    }
}
