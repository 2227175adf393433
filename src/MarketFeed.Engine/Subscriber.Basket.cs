using MarketFeed.Core;

namespace MarketFeed.Engine;

/// <summary>
/// Basket snapshot: subscribes a list of symbols and returns the state of each as of one global
/// sequence <c>G</c> (every tick with global sequence at most <c>G</c> applied, none later); the
/// updates that follow are all later than <c>G</c>.
/// </summary>
/// <remarks>
/// <para>
/// The writer is never stopped. (1) Full mode: the symbols' journal readers are published (as for a
/// subscribe), so every tick appended from then on reaches this subscriber (conflated slots are
/// marked dirty at the end instead; the drain arms them and sends what is newer). (2) <c>low</c> = the journal's head is read:
/// the states read next hold every tick up to <c>low</c> (the writer applies a state before it
/// appends). (3) Each state is read with the global sequence of its last tick; <c>G</c> is the
/// largest of them and <c>low</c>. A state can hold the tick being appended at that moment (applied,
/// not yet published): the read waits until the journal shows it (a few instructions of the writer).
/// (4) The journal entries in (<c>low</c>, <c>G</c>] of the basket's symbols that a state does not
/// hold yet (higher per-symbol <c>seq</c>) are applied to it. If the writer lapped those entries
/// meanwhile, the read starts again.
/// </para>
/// <para>
/// Then each slot's baseline is the basket state: full mode skips every tick at or below its
/// <c>seq</c> and delivers every later one, gap-free; conflated mode sends a quote or trade only
/// if it is newer than the basket's. A tick later than <c>G</c> was appended after the readers
/// were published (else the state read in (3) would hold it and <c>G</c> would cover it), so it
/// reaches the subscriber.
/// </para>
/// </remarks>
public sealed partial class Subscriber
{
    /// <summary>Attempts of a basket read before it gives up (each one fails only if the journal laps it).</summary>
    private const int BasketReadAttempts = 16;

    /// <summary>
    /// Subscribes <paramref name="symbolIds"/> (distinct; replacing existing subscriptions of them) and fills
    /// <paramref name="states"/> (same order) with their state as of one global sequence, returned in
    /// <paramref name="globalSequence"/>. No snapshot is queued: the caller sends the states itself,
    /// before the next drain (the drain delivers only updates later than them).
    /// </summary>
    /// <returns>
    /// <see cref="SubscribeOutcome.Subscribed"/>; <see cref="SubscribeOutcome.UnknownSymbol"/> or
    /// <see cref="SubscribeOutcome.LimitExceeded"/> (nothing subscribed); <see cref="SubscribeOutcome.Closed"/>.
    /// </returns>
    /// <exception cref="InvalidOperationException">The journal lapped every attempt to read the basket (a journal far too small for the feed).</exception>
    public SubscribeOutcome SubscribeBasket(ReadOnlySpan<int> symbolIds, DeliveryMode mode, int maxUpdatesPerSecond, Span<MarketSnapshot> states, out long globalSequence)
    {
        globalSequence = 0;
        if (states.Length < symbolIds.Length)
        {
            throw new ArgumentException("one state per symbol is needed", nameof(states));
        }

        lock (_gate)
        {
            if (_disposed || IsOverflowed)
            {
                return SubscribeOutcome.Closed;
            }

            int added = 0;
            var distinct = new HashSet<int>(symbolIds.Length);
            foreach (int symbolId in symbolIds)
            {
                if ((uint)symbolId >= (uint)_engine.Universe.Count)
                {
                    return SubscribeOutcome.UnknownSymbol;
                }

                if (!distinct.Add(symbolId))
                {
                    throw new ArgumentException("the symbols of a basket must be distinct", nameof(symbolIds));
                }

                if (!_slotBySymbol.ContainsKey(symbolId))
                {
                    added++;
                }
            }

            if (_slotBySymbol.Count + added > _engine.Settings.MaxSymbolsPerSubscriber)
            {
                return SubscribeOutcome.LimitExceeded;
            }

            // (1) Publish every reader before any state is read.
            foreach (int symbolId in symbolIds)
            {
                if (_slotBySymbol.TryGetValue(symbolId, out int existing))
                {
                    ReleaseSlot(symbolId, existing);
                }

                int slot = AllocateSlot();
                ref Slot s = ref _slots[slot];
                s.SymbolId = symbolId;
                s.Mode = mode;
                s.LastQuoteSequence = long.MaxValue; // nothing is sent before the baseline below is set
                s.LastTradeSequence = long.MaxValue;
                s.Baseline = long.MaxValue;
                s.NextDue = 0;
                s.ThrottleInterval = mode == DeliveryMode.Conflated && maxUpdatesPerSecond > 0
                    ? Math.Max(1, _timestampFrequency / maxUpdatesPerSecond)
                    : 0;
                s.SnapshotPending = false;
                _slotBySymbol[symbolId] = slot;
                if (mode == DeliveryMode.Full)
                {
                    AddFullSymbol(symbolId);
                    _engine.AddFullReader(symbolId, this); // full fence before the reads below
                }
                else
                {
                    // Not on the symbol's wake list yet: the drain that takes the dirty bit set below
                    // arms it before it reads the state (SymbolWakeLists), and sends only what is newer than the basket.
                    s.Waiter = new ConflatedWaiter(this, symbolId, slot);
                    _engine.AddConflated(symbolId);
                }
            }

            Interlocked.MemoryBarrier(); // conflated-only baskets: nothing above fenced the slot setup before the reads

            // (2)-(4): the states at one global sequence.
            globalSequence = ReadBasket(symbolIds, states);

            for (int i = 0; i < symbolIds.Length; i++)
            {
                int slot = _slotBySymbol[symbolIds[i]];
                ref Slot s = ref _slots[slot];
                s.Baseline = states[i].Sequence;
                s.LastQuoteSequence = states[i].QuoteSequence;
                s.LastTradeSequence = states[i].TradeSequence;
                if (mode == DeliveryMode.Conflated)
                {
                    MarkDirty(slot, forData: false); // sends whatever is newer than the basket (nothing if nothing is)
                }
            }

            _signal.Set();
            return SubscribeOutcome.Subscribed;
        }
    }

    /// <summary>Reads the states of <paramref name="symbolIds"/> as of one global sequence (returned). Under the lock.</summary>
    private long ReadBasket(ReadOnlySpan<int> symbolIds, Span<MarketSnapshot> states)
    {
        TickJournal journal = _engine.Journal;
        var indexById = new Dictionary<int, int>(symbolIds.Length);
        for (int i = 0; i < symbolIds.Length; i++)
        {
            indexById[symbolIds[i]] = i;
        }

        for (int attempt = 0; attempt < BasketReadAttempts; attempt++)
        {
            // (2) Every state read after this holds every tick at or below `low`.
            long low = journal.GlobalSequence;
            long target = low;

            // (3) The states, each with the global sequence of its last tick.
            for (int i = 0; i < symbolIds.Length; i++)
            {
                _engine.States.Read(symbolIds[i], out states[i], out long last);
                target = Math.Max(target, last);
            }

            // A state may hold the tick the writer is appending right now: wait until it is published.
            var spinner = default(SpinWait);
            while (journal.GlobalSequence < target)
            {
                spinner.SpinOnce();
            }

            // (4) Bring every state up to `target`: apply the basket's ticks in (low, target] it lacks.
            for (long p = low; p < target; p++)
            {
                Tick tick = journal.At(p);
                if (indexById.TryGetValue(tick.SymbolId, out int k) && tick.Sequence > states[k].Sequence)
                {
                    states[k].Apply(tick);
                }
            }

            if (target == low || !journal.IsOverwritten(low))
            {
                return target;
            }
        }

        throw new InvalidOperationException($"the journal ({journal.Capacity} ticks) was lapped during every one of {BasketReadAttempts} basket reads");
    }
}
