using System.Collections.Concurrent;
using MarketFeed.Core;
using MarketFeed.Engine;
using MarketFeed.Protocol;
using MarketFeed.Gateway.Connections;
using MarketFeed.Sources.Replay;
using MarketFeed.Sources.TickLog;

namespace MarketFeed.Gateway.Replay;

/// <summary>
/// One client's replay of a dataset window: a private <see cref="ConflationEngine"/> over the
/// dataset's symbols, fed by a loop that reads the tick log and paces it, drained by the client's
/// connection like any other feed. Live subscribers never see it.
/// </summary>
/// <remarks>
/// The replay loop is the private engine's single sequencer; it alone touches the cursor and
/// applies control requests (queued by the connection's receive loop, any thread). In full mode the
/// loop never lets the client's queue pass half its capacity: it waits for the connection to send
/// (back-pressure), so a max-speed replay is paced by the client's socket and never drops. With
/// <c>Replay:MaxTicksPerSecond</c> set, every burst also takes its ticks from the server-wide
/// <see cref="ReplayRateLimiter"/> and the loop waits when it is empty.
/// </remarks>
internal sealed partial class ReplaySession : IAsyncDisposable
{
    private readonly Connection _connection;
    private readonly ReplayCursor _cursor;
    private readonly ConflationEngine _engine;
    private readonly Subscriber _subscriber;
    private readonly ReplayPacer _pacer;
    private readonly TimeProvider _time;
    private const int FullModeJournalCapacity = 16384;
    private readonly ConcurrentQueue<ControlRequest> _controls = new();
    private readonly SenderSignal _wake = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeSpan _statusInterval;
    private readonly DeliveryMode _mode;
    private readonly int _throttle;
    private readonly int[] _selectedIds;
    private readonly Action<ReplaySession> _onEnded;
    private int _ended; // 1 once _onEnded ran (the handler forgot the session)
    private readonly ReplayRateLimiter? _rateLimiter;
    private readonly Bars.LiveBarStore? _bars;
    private readonly Bars.BarSubscriptions? _barUpdates;
    private CancellationTokenSource? _waitCancel;
    private Task _loop = Task.CompletedTask;
    private long _ticksSent;
    private long _endRequestId;
    private string _endReason = "completed";

    /// <summary>Why the replay ended (valid once ended): completed, stopped, damaged, damage-skipped or error.</summary>
    public string EndReason => _endReason;

    /// <summary>Damage met in the replayed range (read once the replay ended).</summary>
    public IReadOnlyList<MarketFeed.Sources.TickLog.TickLogDamage> DamageMet => _cursor.DamageMet;

    public ReplaySession(Connection connection, long replayId, long requestId, string dataset, ReplayCursor cursor, ReplaySpeed speed, DeliveryMode mode, int throttle, int symbolIdOffset, TimeSpan statusInterval, ReplayRateLimiter? rateLimiter, Action<ReplaySession> onEnded, IReadOnlyList<(Core.Bars.BarInterval Interval, int Capacity)>? barIntervals = null)
    {
        _rateLimiter = rateLimiter;
        _connection = connection;
        _cursor = cursor;
        _time = connection.Runtime.Time;
        _mode = mode;
        _throttle = throttle;
        _statusInterval = statusInterval;
        _onEnded = onEnded;
        ReplayId = replayId;
        RequestId = requestId;
        Dataset = dataset;
        SymbolIdOffset = symbolIdOffset;
        _endRequestId = requestId;

        SymbolUniverse universe = TickLogUniverse.From(cursor.LogSymbols);
        var options = connection.Runtime.Options;
        // A replay's journal only has to absorb what the loop publishes ahead of the client's socket
        // (the loop waits at half of it): 1 MB in full mode, nothing to speak of in conflated mode.
        int journalCapacity = mode == DeliveryMode.Full ? FullModeJournalCapacity : 16;
        _engine = new ConflationEngine(universe, new EngineSettings(Math.Max(options.MaxSymbolsPerConnection, universe.Count), journalCapacity), _time);
        _subscriber = _engine.CreateSubscriber(connection.Signal);
        _pacer = new ReplayPacer(_time, speed);

        var selected = new List<int>();
        for (int id = 0; id < universe.Count; id++)
        {
            if (cursor.IsSelected(id))
            {
                selected.Add(id);
            }
        }

        _selectedIds = [.. selected];
        if (barIntervals is { Count: > 0 })
        {
            // Bars of the replayed ticks: a store observing the private engine, one update stream per symbol.
            _bars = new Bars.LiveBarStore(universe.Count, barIntervals);
            _engine.AddObserver(_bars);
            _barUpdates = new Bars.BarSubscriptions(_bars, symbolIdOffset);
            uint all = barIntervals.Count == 32 ? uint.MaxValue : (1u << barIntervals.Count) - 1;
            foreach (int id in _selectedIds)
            {
                _barUpdates.Set(id, all);
            }
        }

        From = Math.Max(cursor.From, cursor.DatasetFrom);
        To = Math.Min(cursor.To, cursor.DatasetTo);
    }

    /// <summary>Whether (and how) the connection continues live on the replay's symbols at the end.</summary>
    public LiveJoin ContinueLive { get; init; }

    /// <summary>Effective start of the window (the requested start, or the dataset's first tick).</summary>
    public long From { get; }

    /// <summary>Effective end of the window.</summary>
    public long To { get; }

    public long ReplayId { get; }

    public long RequestId { get; }

    public string Dataset { get; }

    public int SymbolIdOffset { get; }

    /// <summary>Sends replay start, seeds the engine at the window start, subscribes the client and starts the loop.</summary>
    public void Start()
    {
        SeedAndSubscribe(From);
        var refs = new List<SymbolInfo>(_selectedIds.Length);
        foreach (int id in _selectedIds)
        {
            SymbolInfo s = _engine.Universe[id];
            refs.Add(s with { Id = s.Id + SymbolIdOffset });
        }

        // The start message is queued before the subscriptions: the sender frames replies first.
        _connection.Reply(
            (RequestId, ReplayId, Dataset, From, To, _pacer.Speed.ToString(), _mode, refs),
            static (ref w, s) => MessageEncoder.WriteReplayStart(ref w, s.RequestId, s.ReplayId, s.Dataset, s.From, s.To, s.Item6, s._mode, s.refs));
        foreach (int id in _selectedIds)
        {
            _subscriber.Subscribe(id, _mode, _throttle, snapshot: true);
        }

        _connection.AttachFeed(_subscriber, SymbolIdOffset, _wake, _barUpdates);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Queues a replay.* control request (any thread); applied by the loop in order.</summary>
    public void Enqueue(ControlRequest request)
    {
        _controls.Enqueue(request);
        Interrupt();
    }

    /// <summary>Stops the loop (if running) and releases the session.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        Interrupt();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Interrupt()
    {
        try
        {
            Volatile.Read(ref _waitCancel)?.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        _wake.Set();
    }

    private void SeedAndSubscribe(long position)
    {
        MarketSnapshot[] states = _cursor.BuildSnapshots(position);
        foreach (int id in _selectedIds)
        {
            _engine.Seed(states[id]);
        }
    }

    /// <summary>Tells the handler once that this session no longer runs (before its end message is queued).</summary>
    private void EndOnce()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            _onEnded(this);
        }
    }
}
