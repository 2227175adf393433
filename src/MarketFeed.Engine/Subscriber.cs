using System.Runtime.CompilerServices;
using MarketFeed.Core;

namespace MarketFeed.Engine;

/// <summary>
/// One consumer of an engine (typically one WebSocket connection): the symbols it holds, a dirty
/// bitmap over its conflated symbols, and a cursor into the engine's <see cref="TickJournal"/> for
/// its full-mode symbols (see Subscriber.Journal.cs).
/// </summary>
/// <remarks>
/// <para>
/// Tick path (sequencer thread): <see cref="MarkDirty"/> sets a bit with <c>Interlocked.Or</c> and
/// wakes the sender only when the bit flips from clear to set. It is called for a conflated slot only
/// when the slot is on its symbol's wake list, i.e. after a drain has caught up with the symbol
/// (<see cref="SymbolWakeLists"/>), so the writer's work is per delivery, not per tick and
/// subscriber. <see cref="NotifyJournal"/> records
/// where the first unseen tick for this subscriber sits and wakes the sender, also only on a
/// clear-to-set flip. Neither locks nor allocates, and neither copies the tick.
/// </para>
/// <para>
/// Control path (any thread, e.g. the connection's receive loop) and the drain (the connection's
/// sender loop) serialise on a private lock; the tick path never takes it.
/// Memory: the bitmap is sized once for <see cref="EngineSettings.MaxSymbolsPerSubscriber"/> bits,
/// the slot table grows with the symbols held, and full mode adds one bit per universe symbol
/// (allocated on the first full-mode symbol): no per-subscriber tick queue.
/// </para>
/// </remarks>
public sealed partial class Subscriber : IDisposable
{
    private readonly ConflationEngine _engine;
    private readonly SenderSignal _signal;
    private readonly bool _deferDataWakes;
    private readonly object _gate = new();
    private readonly long[] _dirty;
    private readonly Dictionary<int, int> _slotBySymbol = [];
    private readonly Stack<int> _freeSlots = new();
    private readonly List<PendingSnapshot> _pendingFullSnapshots = [];
    private readonly long _timestampFrequency;
    private Slot[] _slots = new Slot[4];
    private int _slotsUsed;
    private int _overflowed;
    private bool _disposed;

    internal Subscriber(ConflationEngine engine, SenderSignal signal, bool deferDataWakes)
    {
        _engine = engine;
        _signal = signal;
        _deferDataWakes = deferDataWakes;
        _dirty = new long[(engine.Settings.MaxSymbolsPerSubscriber + 63) / 64];
        _timestampFrequency = engine.Time.TimestampFrequency;
    }

    /// <summary>Symbols currently held.</summary>
    public int SymbolCount
    {
        get
        {
            lock (_gate)
            {
                return _slotBySymbol.Count;
            }
        }
    }

    /// <summary>True once the journal lapped this subscriber's full-mode reader; the owner must drop it (4001).</summary>
    public bool IsOverflowed => Volatile.Read(ref _overflowed) != 0;

    /// <summary>
    /// True while anything is waiting to be drained (dirty symbols, journal ticks or snapshots).
    /// Exact with respect to drains: it takes the drain's lock, so it never looks while a drain has
    /// taken dirty bits it may still put back (an end-of-replay message queued on a false "nothing
    /// pending" would overtake the data). Control path only; the tick path never calls it.
    /// </summary>
    public bool HasPendingWork
    {
        get
        {
            lock (_gate)
            {
                if (_pendingFullSnapshots.Count > 0 || _backfills.Count > 0 || HasJournalWork)
                {
                    return true;
                }

                for (int i = 0; i < _dirty.Length; i++)
                {
                    if (Volatile.Read(ref _dirty[i]) != 0)
                    {
                        return true;
                    }
                }

                return false;
            }
        }
    }

    /// <summary>Full-mode snapshots waiting to be drained (they grow with resubscribes until drained).</summary>
    public int PendingSnapshotCount
    {
        get
        {
            lock (_gate)
            {
                return _pendingFullSnapshots.Count;
            }
        }
    }

    /// <summary>
    /// Subscribes to a symbol, or replaces the existing subscription of that symbol. The next drain
    /// delivers a snapshot (if <paramref name="snapshot"/>) and then updates.
    /// </summary>
    /// <param name="symbolId">Symbol id in the engine's universe.</param>
    /// <param name="mode">Conflated or full.</param>
    /// <param name="maxUpdatesPerSecond">Throttle for conflated mode; 0 = none.</param>
    /// <param name="snapshot">Whether to deliver a snapshot first.</param>
    /// <param name="resumeAfter">
    /// The last sequence number of this symbol the client holds (from this engine's epoch), or -1.
    /// If the engine can continue right after it, the outcome is <see cref="SubscribeOutcome.Recovered"/>
    /// and no snapshot is sent: in full mode every tick after it (from the journal, or from the
    /// engine's <see cref="ConflationEngine.History"/> where the journal no longer reaches) and then live, in
    /// conflated mode the latest quote and/or trade newer than it. Otherwise a snapshot is sent
    /// (whatever <paramref name="snapshot"/> says) and the outcome is <see cref="SubscribeOutcome.Subscribed"/>.
    /// </param>
    public SubscribeOutcome Subscribe(int symbolId, DeliveryMode mode, int maxUpdatesPerSecond = 0, bool snapshot = true, long resumeAfter = -1)
    {
        if ((uint)symbolId >= (uint)_engine.Universe.Count)
        {
            return SubscribeOutcome.UnknownSymbol;
        }

        lock (_gate)
        {
            if (_disposed || IsOverflowed)
            {
                return SubscribeOutcome.Closed;
            }

            if (_slotBySymbol.TryGetValue(symbolId, out int existing))
            {
                ReleaseSlot(symbolId, existing);
            }
            else if (_slotBySymbol.Count >= _engine.Settings.MaxSymbolsPerSubscriber)
            {
                return SubscribeOutcome.LimitExceeded;
            }

            int slot = AllocateSlot();
            ref Slot s = ref _slots[slot];
            s.SymbolId = symbolId;
            s.Mode = mode;
            s.LastQuoteSequence = 0;
            s.LastTradeSequence = 0;
            s.Baseline = 0;
            s.NextDue = 0;
            s.ThrottleInterval = mode == DeliveryMode.Conflated && maxUpdatesPerSecond > 0
                ? Math.Max(1, _timestampFrequency / maxUpdatesPerSecond)
                : 0;
            s.SnapshotPending = snapshot;
            _slotBySymbol[symbolId] = slot;

            if (mode == DeliveryMode.Full)
            {
                // Before the reader is published and the state read: see Subscriber.Journal.cs.
                AddFullSymbol(symbolId);
                _engine.AddFullReader(symbolId, this);
            }
            else
            {
                // Not on the wake list yet: the slot is marked dirty below, and the drain that takes
                // the bit arms the node before it reads the state (SymbolWakeLists).
                s.Waiter = new ConflatedWaiter(this, symbolId, slot);
                _engine.AddConflated(symbolId);
            }

            // After publishing the reader (full fence): what the state does not hold reaches the subscriber.
            _engine.States.Read(symbolId, out MarketSnapshot state);
            if (resumeAfter >= 0)
            {
                snapshot = true; // unless recovered below
            }

            if (mode == DeliveryMode.Full)
            {
                if (resumeAfter >= 0 && TryFindResumePosition(symbolId, resumeAfter, state.Sequence, out long start, out long head))
                {
                    s.Baseline = resumeAfter;
                    RewindCursor(start, head);
                    _signal.Set();
                    return SubscribeOutcome.Recovered;
                }

                if (resumeAfter >= 0 && TryResumeFromHistory(ref s, slot, symbolId, resumeAfter, state.Sequence))
                {
                    _signal.Set();
                    return SubscribeOutcome.Recovered;
                }

                s.Baseline = state.Sequence;
                if (snapshot)
                {
                    _pendingFullSnapshots.Add(new PendingSnapshot(slot, s.Generation, state));
                }

                _signal.Set();
                return SubscribeOutcome.Subscribed;
            }

            if (resumeAfter >= 0 && resumeAfter <= state.Sequence)
            {
                // The latest quote and trade newer than what the client holds, as updates.
                s.SnapshotPending = false;
                s.LastQuoteSequence = resumeAfter;
                s.LastTradeSequence = resumeAfter;
                MarkDirty(slot, forData: false);
                return SubscribeOutcome.Recovered;
            }

            s.SnapshotPending = snapshot;
            MarkDirty(slot, forData: false);
            return SubscribeOutcome.Subscribed;
        }
    }

    /// <summary>Unsubscribes from a symbol. False if it was not held.</summary>
    public bool Unsubscribe(int symbolId)
    {
        lock (_gate)
        {
            if (!_slotBySymbol.TryGetValue(symbolId, out int slot))
            {
                return false;
            }

            ReleaseSlot(symbolId, slot);
            return true;
        }
    }

    /// <summary>Symbol ids currently held (a copy).</summary>
    public int[] SubscribedSymbols()
    {
        lock (_gate)
        {
            return [.. _slotBySymbol.Keys];
        }
    }

    /// <summary>Symbol ids currently held with their delivery mode (a copy, for diagnostics).</summary>
    public (int SymbolId, DeliveryMode Mode)[] Subscriptions()
    {
        lock (_gate)
        {
            var list = new (int SymbolId, DeliveryMode Mode)[_slotBySymbol.Count];
            int i = 0;
            foreach (var (symbolId, slot) in _slotBySymbol)
            {
                list[i++] = (symbolId, _slots[slot].Mode);
            }

            return list;
        }
    }

    /// <summary>Removes every subscription from the engine. Idempotent.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var (symbolId, slot) in _slotBySymbol)
            {
                RemoveFromEngine(symbolId, ref _slots[slot]);
                _slots[slot].SymbolId = -1;
                _slots[slot].Generation++;
            }

            ClearFullSymbols();
            _slotBySymbol.Clear();
            _pendingFullSnapshots.Clear();
            _backfills.Clear();
        }
    }

    /// <summary>Tick path: marks a conflated slot dirty and wakes the sender on a clear-to-set flip.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void MarkDirty(int slot, bool forData = true)
    {
        ref long word = ref _dirty[slot >> 6];
        long mask = 1L << (slot & 63);

        // Already dirty: the pending drain will read the state written before this call (the
        // engine's fence orders that store before this load), so no locked op is needed.
        if ((Volatile.Read(ref word) & mask) != 0)
        {
            return;
        }

        if ((Interlocked.Or(ref word, mask) & mask) == 0)
        {
            if (forData)
            {
                WakeForData();
            }
            else
            {
                _signal.Set(); // a subscribe's snapshot is a reply: never delayed
            }
        }
    }

    /// <summary>Tick path: wakes the sender for new market data (through the flush clock if deferred).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WakeForData()
    {
        if (_deferDataWakes)
        {
            _signal.SetDeferred();
        }
        else
        {
            _signal.Set();
        }
    }

    private int AllocateSlot()
    {
        if (_freeSlots.TryPop(out int slot))
        {
            return slot;
        }

        if (_slotsUsed == _slots.Length)
        {
            Array.Resize(ref _slots, Math.Min(_slots.Length * 2, _engine.Settings.MaxSymbolsPerSubscriber));
        }

        slot = _slotsUsed++;
        _slots[slot].SymbolId = -1;
        return slot;
    }

    private void ReleaseSlot(int symbolId, int slot)
    {
        ref Slot s = ref _slots[slot];
        RemoveFromEngine(symbolId, ref s);
        _slotBySymbol.Remove(symbolId);
        if (s.Mode == DeliveryMode.Full)
        {
            RemoveFullSymbol(symbolId);
        }

        s.SymbolId = -1;
        s.Generation++;
        Interlocked.And(ref _dirty[slot >> 6], ~(1L << (slot & 63)));
        _freeSlots.Push(slot);
    }

    private void RemoveFromEngine(int symbolId, ref Slot s)
    {
        if (s.Waiter is { } waiter)
        {
            _engine.RemoveConflated(waiter);
            s.Waiter = null;
        }
        else
        {
            _engine.RemoveFullReader(symbolId, this);
        }
    }

    private struct Slot
    {
        public ConflatedWaiter? Waiter; // conflated mode: this slot's node for the symbol's wake list
        public int SymbolId;
        public int Generation;
        public DeliveryMode Mode;
        public bool SnapshotPending;
        public long LastQuoteSequence;
        public long LastTradeSequence;
        public long Baseline;
        public long ThrottleInterval;
        public long NextDue;
    }

    private readonly record struct PendingSnapshot(int Slot, int Generation, MarketSnapshot State);
}
