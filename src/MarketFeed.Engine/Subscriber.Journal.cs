using System.Runtime.CompilerServices;
using MarketFeed.Core;
using MarketFeed.Core.Concurrency;

namespace MarketFeed.Engine;

/// <summary>
/// Full mode: this subscriber reads the engine's <see cref="TickJournal"/> with its own cursor and
/// hands on the ticks of its full-mode symbols. Nothing is copied per subscriber on the tick path.
/// </summary>
/// <remarks>
/// <para>
/// Wake-up: on each tick of a full-mode symbol the writer calls <see cref="NotifyJournal"/>. If no
/// wake is pending it stores <c>position + 1</c> of that tick in <see cref="_wake"/> and signals the
/// sender. The drain, once it has read everything up to the end it last saw, takes the wake with an
/// interlocked exchange and continues from <c>max(cursor, position)</c>: between the two there is no
/// tick of its symbols (each one would have left an earlier wake), so a subscriber of quiet symbols
/// skips the journal traffic of others and is never lapped by it.
/// </para>
/// <para>
/// Ordering (Dekker): the writer appends (release), fences, then loads <see cref="_wake"/>; the
/// drain exchanges <see cref="_wake"/> to 0 (full fence), then loads the journal's sequence. Either
/// the writer sees the clear and leaves a new wake, or the drain sees the tick: none is missed.
/// </para>
/// <para>
/// Subscribing a full-mode symbol: (1) <see cref="AddFullSymbol"/> starts the cursor at the head if
/// the reader was idle, (2) the engine publishes the entry (full fence), (3) the state is read as
/// the slot's <see cref="Slot.Baseline"/>. A tick the writer appended without seeing the entry is in
/// that state, so every tick at or after the cursor that is not in the baseline is delivered, and
/// ticks at or below the baseline are skipped (also after a resubscribe).
/// </para>
/// <para>
/// Lap: before and after reading a batch the drain asks the journal whether its first entry was
/// overwritten. If so the batch is discarded with the subscriber marked overflowed: the owner closes
/// it with 4001. A full-mode client never sees a gap.
/// </para>
/// </remarks>
public sealed partial class Subscriber
{
    private PaddedLong _wake;   // written by the tick path: 0 none, else position + 1 of the first unseen tick
    private PaddedLong _cursor; // written by the drain: next journal position to read
    private long _scanEnd;      // written by the drain: the journal's end when it last took a wake
    private long[]? _fullBits;  // one bit per universe symbol held in full mode (under _gate)
    private int _fullSymbols;

    /// <summary>
    /// Ticks between this subscriber's journal cursor and the journal's head while it has full-mode
    /// work pending (0 when caught up). Above <see cref="JournalCapacity"/> it is dropped. Any thread.
    /// </summary>
    public long JournalLag
    {
        get
        {
            if (Volatile.Read(ref _fullSymbols) == 0)
            {
                return 0;
            }

            long end = Volatile.Read(ref _scanEnd);
            long cursor = _cursor.ReadVolatile();
            if (cursor >= end)
            {
                long wake = _wake.ReadVolatile();
                if (wake == 0)
                {
                    return 0;
                }

                cursor = Math.Max(cursor, wake - 1);
            }

            return Math.Max(0, _engine.Journal.GlobalSequence - cursor);
        }
    }

    /// <summary>The journal's capacity: how far behind a full-mode reader may fall before it is dropped.</summary>
    public int JournalCapacity => _engine.Journal.Capacity;

    private bool HasJournalWork => Volatile.Read(ref _fullSymbols) > 0
        && (_cursor.ReadVolatile() < Volatile.Read(ref _scanEnd) || _wake.ReadVolatile() != 0);

    /// <summary>
    /// Marks this subscriber overflowed if the journal has lapped its cursor (for a watchdog that
    /// runs while the sender is blocked on a slow socket; the drain finds it out by itself too).
    /// True if it is overflowed. Any thread.
    /// </summary>
    public bool CheckLapped()
    {
        if (!IsOverflowed && JournalLag >= JournalCapacity)
        {
            MarkLapped();
        }

        return IsOverflowed;
    }

    /// <summary>Tick path: a tick of one of this subscriber's full-mode symbols sits at <paramref name="position"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void NotifyJournal(long position)
    {
        // Only this (single) writer sets the wake, the drain only clears it: no lost update.
        if (_wake.ReadVolatile() != 0)
        {
            return;
        }

        _wake.WriteVolatile(position + 1);
        WakeForData();
    }

    private void AddFullSymbol(int symbolId)
    {
        _fullBits ??= new long[(_engine.Universe.Count + 63) >> 6];
        if (_fullSymbols == 0)
        {
            // An idle reader starts at the head; everything before it is in the state read next.
            long head = _engine.Journal.GlobalSequence;
            _wake.WriteVolatile(0);
            _cursor.WriteVolatile(head);
            Volatile.Write(ref _scanEnd, head);
        }

        _fullBits[symbolId >> 6] |= 1L << (symbolId & 63);
        Volatile.Write(ref _fullSymbols, _fullSymbols + 1);
    }

    private void RemoveFullSymbol(int symbolId)
    {
        _fullBits![symbolId >> 6] &= ~(1L << (symbolId & 63));
        Volatile.Write(ref _fullSymbols, _fullSymbols - 1);
    }

    private void ClearFullSymbols()
    {
        if (_fullBits is not null)
        {
            Array.Clear(_fullBits);
        }

        Volatile.Write(ref _fullSymbols, 0);
    }

    /// <summary>Reads journal entries from the cursor while the sink has room. True if more remain.</summary>
    private bool DrainJournal<TSink>(ref TSink sink, ref int updates)
        where TSink : IUpdateSink, allows ref struct
    {
        if (_fullSymbols == 0)
        {
            return false;
        }

        while (sink.HasRoom)
        {
            if (_cursor.Value >= _scanEnd && !TakeWake())
            {
                return false;
            }

            if (!ReadBatch(ref sink, ref updates))
            {
                return false; // lapped
            }
        }

        return _cursor.Value < _scanEnd || _wake.ReadVolatile() != 0;
    }

    /// <summary>Takes a pending wake: moves the cursor to the first unseen tick and the end to the head.</summary>
    private bool TakeWake()
    {
        long wake = Interlocked.Exchange(ref _wake.Value, 0);
        if (wake == 0)
        {
            return false;
        }

        // Cursor before end: JournalLag reads them in the opposite order and must never pair a
        // new end with the cursor from before the skip (it would see a lag that is not there).
        _cursor.WriteVolatile(Math.Max(_cursor.Value, wake - 1));
        Volatile.Write(ref _scanEnd, _engine.Journal.GlobalSequence);
        return true;
    }

    /// <summary>Hands on the ticks of full-mode symbols from the cursor to the end, while the sink has room. False if lapped.</summary>
    private bool ReadBatch<TSink>(ref TSink sink, ref int updates)
        where TSink : IUpdateSink, allows ref struct
    {
        TickJournal journal = _engine.Journal;
        long start = _cursor.Value;
        long cursor = start;
        long end = _scanEnd;
        if (journal.IsOverwritten(start))
        {
            MarkLapped();
            return false;
        }

        long[] fullBits = _fullBits!;
        int universe = fullBits.Length << 6;
        while (cursor < end && sink.HasRoom)
        {
            Tick tick = journal.At(cursor);
            cursor++;

            // An entry torn by a lapping writer may carry any id: bound it before indexing.
            int id = tick.SymbolId;
            if ((uint)id >= (uint)universe || (fullBits[id >> 6] & (1L << (id & 63))) == 0)
            {
                continue;
            }

            ref Slot s = ref _slots[_slotBySymbol[id]];
            if (tick.Sequence <= s.Baseline)
            {
                continue; // already in the snapshot, or delivered before a re-subscribe
            }

            s.Baseline = tick.Sequence;
            sink.OnTick(tick);
            updates++;
        }

        // Everything handed to the sink since `start` is valid only if the writer has not lapped it.
        if (journal.IsOverwritten(start))
        {
            MarkLapped();
            return false;
        }

        _cursor.WriteVolatile(cursor);
        return true;
    }

    /// <summary>
    /// Finds the journal position of the tick right after <paramref name="after"/> for a resume, by
    /// walking back from the head (cost: the entries published since that tick). False if the journal
    /// no longer holds it (or it cannot tell). Called under the lock after the entry is published and
    /// the state (sequence <paramref name="stateSequence"/>) was read.
    /// </summary>
    /// <remarks>
    /// The writer applies the state before it appends, so every tick of the symbol up to
    /// <c>stateSequence - 1</c> sits below the head read here, and tick <c>stateSequence</c> is
    /// below it or is the very next append. Ticks later than the state reach the subscriber through
    /// its entry (wake-ups), as for a plain subscribe.
    /// </remarks>
    private bool TryFindResumePosition(int symbolId, long after, long stateSequence, out long start, out long head)
    {
        TickJournal journal = _engine.Journal;
        head = journal.GlobalSequence;
        start = head;
        if (after > stateSequence)
        {
            return false; // newer than anything sequenced here: another epoch
        }

        if (after == stateSequence)
        {
            // The client holds the latest tick: nothing to look up (the walk below would scan the
            // whole journal for a symbol that has not ticked since, which a mass reconnect of
            // thousands of clients x quiet symbols turned into seconds of CPU).
            return true;
        }

        long oldest = journal.OldestPosition;
        bool sawNewer = false;
        for (long p = head - 1; p >= oldest; p--)
        {
            ref readonly Tick entry = ref journal.At(p);
            if (entry.SymbolId != symbolId)
            {
                continue;
            }

            long seq = entry.Sequence;
            if (seq == after + 1)
            {
                start = p;
                return !journal.IsOverwritten(p);
            }

            if (seq <= after)
            {
                // Nothing of this symbol after `after` below the head: the next one (if any) comes after it.
                return !journal.IsOverwritten(p);
            }

            sawNewer = true;
        }

        if (sawNewer || journal.IsOverwritten(oldest))
        {
            return false; // the tick after `after` is older than the journal
        }

        // No tick of the symbol in the journal at all: fine if the client holds the latest (or the
        // journal never wrapped, so the one tick it lacks is the append in flight at the head).
        return after == stateSequence || (after == stateSequence - 1 && oldest == 0);
    }

    /// <summary>Moves the cursor back to <paramref name="start"/> (a resume); ticks already delivered are skipped by their baselines.</summary>
    private void RewindCursor(long start, long head)
    {
        // Cursor before end, as in TakeWake (JournalLag reads them in the opposite order).
        _cursor.WriteVolatile(Math.Min(_cursor.Value, start));
        Volatile.Write(ref _scanEnd, Math.Max(_scanEnd, head));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void MarkLapped()
    {
        if (Interlocked.Exchange(ref _overflowed, 1) == 0)
        {
            _engine.CountOverflowDrop();
        }
    }
}
