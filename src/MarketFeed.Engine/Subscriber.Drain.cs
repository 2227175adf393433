using System.Numerics;
using MarketFeed.Core;

namespace MarketFeed.Engine;

public sealed partial class Subscriber
{
    /// <summary>
    /// Hands pending updates to <paramref name="sink"/> until it has no room: pending snapshots,
    /// then the latest state of each dirty conflated symbol (honouring throttles), then the
    /// full-mode symbols' ticks from the journal, in order. Call again while <see cref="DrainResult.HasMore"/>.
    /// </summary>
    /// <remarks>
    /// Called by the owner's sender loop only (one thread at a time). Takes the subscriber's lock
    /// (never contended by the tick path). Does not allocate.
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
            bool more = DrainFullSnapshots(ref sink, ref updates)
                || DrainConflated(ref sink, now, ref updates, ref nextDue)
                || DrainJournal(ref sink, ref updates);
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
        return _pendingFullSnapshots.Count > 0;
    }

    private bool DrainConflated<TSink>(ref TSink sink, long now, ref int updates, ref long nextDue)
        where TSink : IUpdateSink, allows ref struct
    {
        int words = (_slotsUsed + 63) >> 6;
        for (int w = 0; w < words; w++)
        {
            if (Volatile.Read(ref _dirty[w]) == 0)
            {
                continue;
            }

            long bits = Interlocked.Exchange(ref _dirty[w], 0);
            while (bits != 0)
            {
                int bit = BitOperations.TrailingZeroCount(bits);
                long mask = 1L << bit;
                if (!sink.HasRoom)
                {
                    Interlocked.Or(ref _dirty[w], bits); // put back what we could not send
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
