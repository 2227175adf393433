using System.Numerics;
using MarketFeed.Core;

namespace MarketFeed.Engine;

public sealed partial class Subscriber
{
    /// <summary>While both kinds of work are pending, one drain in this many serves conflated symbols before the journal.</summary>
    internal const int ConflatedFirstEvery = 4;

    private int _conflatedFrom; // drain only: the slot the next conflated pass starts at (round-robin)
    private int _drains;        // drain only: counts drains, for the conflated share

    /// <summary>
    /// Hands pending updates to <paramref name="sink"/> until it has no room: pending snapshots,
    /// then the full-mode symbols' ticks from the journal, in order, then the latest state of each
    /// dirty conflated symbol (honouring throttles). Call again while <see cref="DrainResult.HasMore"/>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Called by the owner's sender loop only (one thread at a time). Takes the subscriber's lock
    /// (never contended by the tick path). Does not allocate.
    /// </para>
    /// <para>
    /// Fairness: the full-mode stream goes first (it cannot be conflated, and a reader the journal
    /// laps is dropped), so many busy conflated symbols never push it out while the socket carries
    /// it; one drain in <see cref="ConflatedFirstEvery"/> serves the conflated symbols first, so they
    /// are never starved by a backlogged journal either. Conflated symbols are served round-robin:
    /// a pass that runs out of room resumes at the first symbol it could not send, so with more
    /// dirty symbols than one frame carries every symbol gets its turn (low slots are not favoured).
    /// </para>
    /// </remarks>
    public DrainResult Drain<TSink>(ref TSink sink, long now)
        where TSink : IUpdateSink, allows ref struct
    {
        if (IsOverflowed)
        {
            return new DrainResult(0, false, long.MaxValue, true);
        }

        lock (_gate)
        {
            if (_disposed)
            {
                return new DrainResult(0, false, long.MaxValue, false);
            }

            int updates = 0;
            long nextDue = long.MaxValue;
            bool conflatedFirst = ++_drains % ConflatedFirstEvery == 0;
            bool more = DrainFullSnapshots(ref sink, ref updates)
                || DrainBackfills(ref sink, ref updates)
                || (conflatedFirst
                    ? DrainConflated(ref sink, now, ref updates, ref nextDue) || DrainJournal(ref sink, ref updates)
                    : DrainJournal(ref sink, ref updates) || DrainConflated(ref sink, now, ref updates, ref nextDue));
            return new DrainResult(updates, more, nextDue, IsOverflowed);
        }
    }

    private bool DrainFullSnapshots<TSink>(ref TSink sink, ref int updates)
        where TSink : IUpdateSink, allows ref struct
    {
        if (_pendingFullSnapshots.Count == 0)
        {
            return false;
        }

        int done = 0;
        for (; done < _pendingFullSnapshots.Count; done++)
        {
            if (!sink.HasRoom)
            {
                break;
            }

            PendingSnapshot pending = _pendingFullSnapshots[done];
            if (_slots[pending.Slot].Generation == pending.Generation && _slots[pending.Slot].SymbolId >= 0)
            {
                sink.OnSnapshot(pending.State);
                updates++;
            }
        }

        _pendingFullSnapshots.RemoveRange(0, done);
        if (_pendingFullSnapshots.Count == 0 && _pendingFullSnapshots.Capacity > 4)
        {
            // A subscribe of many symbols grew it (128 B per entry): hold none once they are sent
            // (about 4 KB per 20-symbol full-mode connection otherwise; control path only).
            _pendingFullSnapshots.Capacity = 0;
        }

        return _pendingFullSnapshots.Count > 0;
    }

    private bool DrainConflated<TSink>(ref TSink sink, long now, ref int updates, ref long nextDue)
        where TSink : IUpdateSink, allows ref struct
    {
        int slots = _slotsUsed;
        if (slots == 0)
        {
            return false;
        }

        // Round-robin: from the slot the last pass could not send, to the end, then from 0 back to it.
        int words = (slots + 63) >> 6;
        int start = _conflatedFrom < slots ? _conflatedFrom : 0;
        int startWord = start >> 6;
        long fromStart = -1L << (start & 63); // the start word's bits at and after the start slot
        for (int i = 0; i <= words; i++)
        {
            int w = startWord + i < words ? startWord + i : startWord + i - words;
            long select = i == 0 ? fromStart : i == words ? ~fromStart : -1L;
            if ((Volatile.Read(ref _dirty[w]) & select) == 0)
            {
                continue;
            }

            long bits = Interlocked.And(ref _dirty[w], ~select) & select;
            while (bits != 0)
            {
                int bit = BitOperations.TrailingZeroCount(bits);
                long mask = 1L << bit;
                if (!sink.HasRoom)
                {
                    Interlocked.Or(ref _dirty[w], bits); // put back what we could not send
                    _conflatedFrom = (w << 6) + bit;     // and start there next time
                    return true;
                }

                bits &= ~mask;
                ref Slot s = ref _slots[(w << 6) + bit];
                if (s.SymbolId < 0 || s.Mode != DeliveryMode.Conflated)
                {
                    continue;
                }

                if (s.ThrottleInterval > 0 && now < s.NextDue)
                {
                    Interlocked.Or(ref _dirty[w], mask); // stays dirty; the owner wakes at nextDue
                    nextDue = Math.Min(nextDue, s.NextDue);
                    continue;
                }

                // Caught up with this symbol from here: its next tick marks the slot again. Arm
                // before reading the state (full fence; SymbolWakeLists: no missed tick).
                _engine.Arm(s.Waiter!);
                int sent = EmitLatest(ref sink, ref s);
                if (sent > 0)
                {
                    updates += sent;
                    if (s.ThrottleInterval > 0)
                    {
                        s.NextDue = now + s.ThrottleInterval;
                    }
                }
            }
        }

        return false;
    }

    private int EmitLatest<TSink>(ref TSink sink, ref Slot s)
        where TSink : IUpdateSink, allows ref struct
    {
        _engine.States.Read(s.SymbolId, out MarketSnapshot state);
        if (s.SnapshotPending)
        {
            s.SnapshotPending = false;
            s.LastQuoteSequence = state.QuoteSequence;
            s.LastTradeSequence = state.TradeSequence;
            sink.OnSnapshot(state);
            return 1;
        }

        bool quote = state.QuoteSequence > s.LastQuoteSequence;
        bool trade = state.TradeSequence > s.LastTradeSequence;
        s.LastQuoteSequence = state.QuoteSequence;
        s.LastTradeSequence = state.TradeSequence;

        // Emit in sequence order so a client never sees a symbol's seq go backwards.
        if (quote && trade && state.TradeSequence < state.QuoteSequence)
        {
            sink.OnTick(state.TradeTick);
            sink.OnTick(state.QuoteTick);
            return 2;
        }

        int sent = 0;
        if (quote)
        {
            sink.OnTick(state.QuoteTick);
            sent++;
        }

        if (trade)
        {
            sink.OnTick(state.TradeTick);
            sent++;
        }

        return sent;
    }
}
