using System.Runtime.CompilerServices;
using MarketFeed.Core;
using MarketFeed.Core.Concurrency;

namespace MarketFeed.Engine;

/// <summary>
/// The conflation engine: the sequenced <see cref="TickJournal"/> of every tick, the latest state per
/// symbol, and per subscriber a dirty set (conflated mode) or a cursor into the journal (full mode).
/// Sources publish ticks into it; each connection's sender drains its <see cref="Subscriber"/>.
/// </summary>
/// <remarks>
/// <para>
/// Per tick the writer does: sequence, apply to the symbol's state (seqlock), append to the journal,
/// then wake (a) the symbol's conflated subscribers that are waiting for it — the symbol's
/// <see cref="SymbolWakeLists">wake list</see>, which only holds subscribers that have caught up, so
/// a tick of a symbol whose subscribers are all still dirty costs one load whatever their number —
/// and (b) each full-mode reader of the symbol (one load when its wake is already set).
/// </para>
/// <para>
/// Threading: <see cref="Publish"/> / <see cref="PublishSequenced"/> must be called by one thread
/// at a time (the sequencer; single writer). They take no lock, never wait for a subscriber and
/// do not allocate. Subscription changes (<see cref="CreateSubscriber"/>, <see cref="Subscriber"/>
/// methods) may run on any thread concurrently with publishing; they take locks and swap the
/// copy-on-write full-reader arrays that the tick path reads with one volatile load.
/// </para>
/// <para>
/// Ordering: per tick the writer (0) calls the observers, (1) stores the symbol state under its seqlock and appends the tick
/// to the journal (release), (2) issues a full fence, (3) loads the symbol's conflated wake list and
/// full-reader array and wakes what it finds (conflated: the slot's dirty bit; full: "the journal
/// has a tick for you"). A conflated drain (a) pushes its node on the wake list (full fence) and
/// then (b) reads the state; a full reader joining (a) publishes the new array with an interlocked
/// exchange (full fence) and then (b) reads the state. Either the writer's load (3) sees the node or
/// array, or the read (b) sees the tick's state: a tick can never be missed by both, which is what
/// keeps "latest value" and "gap-free or dropped" true across subscribe races.
/// </para>
/// </remarks>
public sealed partial class ConflationEngine
{
    private readonly SymbolUniverse _universe;
    private readonly SymbolStateTable _states;
    private readonly TickSequencer _sequencer;
    private readonly TickJournal _journal;
    private readonly SymbolWakeLists _waiting;
    private readonly Subscriber[][] _fullReaders;
    private readonly object _subscriptionLock = new();
    private ITickObserver[] _observers = [];
    private ITickObserver[] _publishedObservers = [];
    private ITickHistory? _history;
    private PaddedLong _ticksIn;
    private PaddedLong _overflowDrops;
    private PaddedLong _conflatedWakes;

    /// <summary>Creates an engine for a universe.</summary>
    /// <param name="universe">The symbols.</param>
    /// <param name="settings">Limits (defaults if null).</param>
    /// <param name="time">Clock for throttles and the epoch (system clock if null).</param>
    /// <param name="epoch">
    /// The epoch of this engine's sequence numbers (see <see cref="Epoch"/>); 0 = a new one from the
    /// clock (microseconds since the Unix epoch at construction).
    /// </param>
    public ConflationEngine(SymbolUniverse universe, EngineSettings? settings = null, TimeProvider? time = null, long epoch = 0)
        : this(universe, settings, time, epoch, null)
    {
    }

    /// <summary>
    /// Creates an engine that continues a sequence space: same epoch, each symbol's <c>seq</c>,
    /// accumulator and latest state, and the global sequence, as captured by
    /// <see cref="CaptureSequenceState"/> (e.g. before a clean shutdown). Null = a new sequence space.
    /// </summary>
    /// <param name="universe">The symbols; <see cref="SequenceState.Symbols"/> is indexed by its ids.</param>
    /// <param name="settings">Limits (defaults if null).</param>
    /// <param name="time">Clock for throttles and a new epoch (system clock if null).</param>
    /// <param name="restore">Where to continue from, or null.</param>
    public ConflationEngine(SymbolUniverse universe, EngineSettings? settings, TimeProvider? time, SequenceState? restore)
        : this(universe, settings, time, restore?.Epoch ?? 0, restore)
    {
    }

    private ConflationEngine(SymbolUniverse universe, EngineSettings? settings, TimeProvider? time, long epoch, SequenceState? restore)
    {
        _universe = universe;
        Settings = (settings ?? EngineSettings.Default).Validate();
        Time = time ?? TimeProvider.System;
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        Epoch = epoch != 0 ? epoch : Math.Max(1, UnixTime.NowNanos(Time) / 1000);
        _states = new SymbolStateTable(universe.Count);
        _sequencer = new TickSequencer(universe.Count);
        _journal = new TickJournal(Settings.JournalCapacity, restore?.GlobalSequence ?? 0);
        _waiting = new SymbolWakeLists(universe.Count);
        _fullReaders = new Subscriber[universe.Count][];
        Array.Fill(_fullReaders, []);
        if (restore is not null)
        {
            if (restore.Symbols.Length != universe.Count)
            {
                throw new ArgumentException($"the state holds {restore.Symbols.Length} symbols, the universe {universe.Count}", nameof(restore));
            }

            for (int id = 0; id < restore.Symbols.Length; id++)
            {
                MarketSnapshot state = restore.Symbols[id];
                state.SymbolId = id;
                _states.Set(state);
                _sequencer.Restore(id, state.Sequence, state.CumulativeVolume, state.TradeCount);
            }
        }
    }

    /// <summary>The symbols this engine serves.</summary>
    public SymbolUniverse Universe => _universe;

    /// <summary>
    /// Identifies this engine's sequence space: per-symbol <c>seq</c> and the global sequence restart
    /// at 1 with every new engine, and so does the epoch change. A resume is only meaningful within
    /// one epoch. Positive.
    /// </summary>
    public long Epoch { get; }

    /// <summary>Limits.</summary>
    public EngineSettings Settings { get; }

    /// <summary>Clock for throttles.</summary>
    public TimeProvider Time { get; }

    /// <summary>Latest state per symbol.</summary>
    public SymbolStateTable States => _states;

    /// <summary>Every published tick, in order, by global sequence.</summary>
    public TickJournal Journal => _journal;

    /// <summary>Global sequence of the newest published tick (0 before the first).</summary>
    public long GlobalSequence => _journal.GlobalSequence;

    /// <summary>Ticks published so far.</summary>
    public long TicksIn => _ticksIn.ReadVolatile();

    /// <summary>Full-mode subscribers dropped because the journal lapped them.</summary>
    public long OverflowDrops => _overflowDrops.ReadVolatile();

    /// <summary>
    /// Conflated subscriptions the writer has woken so far (taken off a symbol's wake list). It grows
    /// by one per subscription per delivery — a subscription still marked from an earlier tick is
    /// not on the list — never by subscribers x ticks.
    /// </summary>
    public long ConflatedWakes => _conflatedWakes.ReadVolatile();

    /// <summary>Number of subscriptions (subscriber x symbol) on a symbol.</summary>
    public int SubscriptionCount(int symbolId) => _waiting.Count(symbolId) + Volatile.Read(ref _fullReaders[symbolId]).Length;

    /// <summary>Adds an observer of sequenced ticks (e.g. a recorder).</summary>
    public void AddObserver(ITickObserver observer)
    {
        lock (_subscriptionLock)
        {
            Volatile.Write(ref _observers, [.. _observers, observer]);
        }
    }

    /// <summary>
    /// Adds an observer called after the tick is published (its state, journal entry and
    /// <see cref="TicksIn"/> visible), for conditions on what the engine shows (tests, monitors);
    /// <see cref="AddObserver"/> observers run before. Same rules: sequencer thread, no blocking,
    /// no throwing, no allocation per tick.
    /// </summary>
    public void AddPublishedObserver(ITickObserver observer)
    {
        lock (_subscriptionLock)
        {
            Volatile.Write(ref _publishedObservers, [.. _publishedObservers, observer]);
        }
    }

    /// <summary>Removes an observer (added either way).</summary>
    public void RemoveObserver(ITickObserver observer)
    {
        lock (_subscriptionLock)
        {
            Volatile.Write(ref _observers, Array.FindAll(_observers, o => !ReferenceEquals(o, observer)));
            Volatile.Write(ref _publishedObservers, Array.FindAll(_publishedObservers, o => !ReferenceEquals(o, observer)));
        }
    }

    /// <summary>Creates a subscriber (one per connection) woken through <paramref name="signal"/>.</summary>
    /// <param name="signal">The sender's wake-up.</param>
    /// <param name="deferDataWakes">Market data wakes the sender with <see cref="SenderSignal.SetDeferred"/>
    /// (on the signal's flush clock, Feed:WriteDelayMs) instead of at once; subscribes always wake at once.</param>
    public Subscriber CreateSubscriber(SenderSignal signal, bool deferDataWakes = false) => new(this, signal, deferDataWakes);

    /// <summary>
    /// Sequences a raw tick (assigns <see cref="Tick.Sequence"/> and, for trades, the accumulator),
    /// applies it and notifies subscribers. Single writer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Publish(ref Tick tick)
    {
        if ((uint)tick.SymbolId >= (uint)_fullReaders.Length)
        {
            ThrowHelper.SymbolIdOutOfRange(tick.SymbolId, _fullReaders.Length);
        }

        _sequencer.Sequence(ref tick);
        PublishSequenced(tick);
    }

    /// <summary>Applies an already sequenced tick and notifies subscribers. Single writer.</summary>
    public void PublishSequenced(in Tick tick)
    {
        int id = tick.SymbolId;
        if ((uint)id >= (uint)_fullReaders.Length)
        {
            ThrowHelper.SymbolIdOutOfRange(id, _fullReaders.Length);
        }

        if (tick.Kind is not (TickKind.Quote or TickKind.Trade))
        {
            ThrowHelper.InvalidTickKind((byte)tick.Kind);
        }

        // Observers first: what they derive from the tick (e.g. the bar store) is written before the
        // state and the journal entry are published (release), so a drain that hands this tick on
        // finds it there too.
        ITickObserver[] observers = _observers;
        for (int i = 0; i < observers.Length; i++)
        {
            observers[i].OnTick(tick);
        }

        // The state keeps the tick's global sequence (its position + 1): a basket snapshot needs it.
        _states.Apply(tick, _journal.NextPosition + 1);
        long position = _journal.Append(tick);
        _ticksIn.WriteVolatile(_ticksIn.Value + 1);

        // StoreLoad: the state and journal entry above must be visible before we read the wake list,
        // the full-reader array and the readers' flags below. Pairs with the conflated drain's push +
        // state read, AddFullReader's publish + state read, and the full reader's interlocked clear +
        // journal read (see remarks).
        Interlocked.MemoryBarrier();

        // Conflated: only the subscribers that have caught up with this symbol are on its list.
        int woken = _waiting.WakeAll(id);
        if (woken != 0)
        {
            _conflatedWakes.WriteVolatile(_conflatedWakes.Value + woken);
        }

        Subscriber[] fullReaders = Volatile.Read(ref _fullReaders[id]);
        for (int i = 0; i < fullReaders.Length; i++)
        {
            fullReaders[i].NotifyJournal(position);
        }

        ITickObserver[] published = _publishedObservers;
        for (int i = 0; i < published.Length; i++)
        {
            published[i].OnTick(tick);
        }
    }

    /// <summary>
    /// Sets a symbol's latest state without notifying subscribers (a replay's starting point).
    /// Single writer; call before subscribing, or re-subscribe afterwards to send fresh snapshots.
    /// </summary>
    public void Seed(in MarketSnapshot state)
    {
        if ((uint)state.SymbolId >= (uint)_fullReaders.Length)
        {
            ThrowHelper.SymbolIdOutOfRange(state.SymbolId, _fullReaders.Length);
        }

        _states.Set(state);
    }

    /// <summary>
    /// Durable history used by a full-mode resume that reaches further back than the journal (the
    /// recording on disk), or null. Set before clients connect.
    /// </summary>
    public ITickHistory? History
    {
        get => Volatile.Read(ref _history);
        set => Volatile.Write(ref _history, value);
    }

    /// <summary>
    /// Where this engine's sequence space stands now: epoch, global sequence and every symbol's
    /// latest state. Consistent only while nothing is published (e.g. after the source stopped);
    /// an engine created from it continues exactly there.
    /// </summary>
    public SequenceState CaptureSequenceState()
    {
        var symbols = new MarketSnapshot[_universe.Count];
        for (int id = 0; id < symbols.Length; id++)
        {
            _states.Read(id, out symbols[id]);
        }

        return new SequenceState(Epoch, GlobalSequence, symbols);
    }

    /// <summary>Last sequence number assigned to a symbol by this engine's sequencer.</summary>
    public long LastSequence(int symbolId) => _sequencer.LastSequence(symbolId);

    /// <summary>Drain: wake this conflated subscription at the symbol's next tick (full fence).</summary>
    internal void Arm(ConflatedWaiter waiter) => _waiting.Arm(waiter);

    internal void AddConflated(int symbolId)
    {
        lock (_subscriptionLock)
        {
            _waiting.Added(symbolId);
        }
    }

    internal void RemoveConflated(ConflatedWaiter waiter)
    {
        lock (_subscriptionLock)
        {
            _waiting.Removed(waiter);
        }
    }

    internal void AddFullReader(int symbolId, Subscriber subscriber)
    {
        lock (_subscriptionLock)
        {
            // Full fence: publication happens before the caller's state read (see remarks).
            Interlocked.Exchange(ref _fullReaders[symbolId], [.. _fullReaders[symbolId], subscriber]);
        }
    }

    internal void RemoveFullReader(int symbolId, Subscriber subscriber)
    {
        lock (_subscriptionLock)
        {
            Subscriber[] old = _fullReaders[symbolId];
            int index = Array.IndexOf(old, subscriber);
            if (index < 0)
            {
                return;
            }

            var next = old.Length == 1 ? [] : new Subscriber[old.Length - 1];
            Array.Copy(old, 0, next, 0, index);
            Array.Copy(old, index + 1, next, index, old.Length - index - 1);
            Volatile.Write(ref _fullReaders[symbolId], next);
        }
    }

    internal void CountOverflowDrop() => _overflowDrops.Increment();
}
