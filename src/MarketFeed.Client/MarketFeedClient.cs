using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using MarketFeed.Core;
using MarketFeed.Protocol;

namespace MarketFeed.Client;

/// <summary>
/// A MarketFeed WebSocket client (docs/protocol.md): requests with awaited replies, typed messages through a
/// bounded channel, a per-symbol state cache, per-symbol sequence checks, heartbeat timeout and reconnect with
/// exponential backoff that resubscribes everything and rebuilds state from fresh snapshots.
/// </summary>
/// <remarks>
/// Threads: one receive loop per connection decodes frames, updates the state cache, completes pending requests
/// and writes to the message channel; a supervisor task reconnects; the heartbeat watchdog runs on timer
/// callbacks. Public methods are safe to call from any thread. Events are raised on the receive loop
/// (<see cref="SequenceGapDetected"/>) or on the thread that changed the state (<see cref="StateChanged"/>):
/// handlers must be quick and must not block. The state cache is guarded by a lock, so
/// <see cref="TryGetSnapshot(string, out MarketSnapshot)"/> always returns a consistent copy.
/// </remarks>
public sealed partial class MarketFeedClient : IAsyncDisposable
{
    private readonly MarketFeedClientOptions _options;
    private readonly TimeProvider _time;
    private readonly Channel<ServerMessage> _channel;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Lock _stateLock = new();
    private readonly ConcurrentDictionary<long, PendingRequest> _pending = new();
    private readonly ConcurrentDictionary<long, IReadOnlyList<string>> _subscribeBars = new(); // bars asked for by subscribes not yet acked
    private readonly ConcurrentDictionary<long, Dictionary<string, long>> _subscribeResume = new(); // application-given resume positions of subscribes not yet acked

    // Guarded by _stateLock.
    private readonly Dictionary<string, SymbolState> _liveByName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<int, SymbolState> _byId = [];
    private readonly Dictionary<string, Subscription> _subscriptions = new(StringComparer.OrdinalIgnoreCase);
    private ConnectionState _state;
    private DisconnectInfo? _lastDisconnect;
    private IReadOnlyDictionary<string, object?>? _serverDetails;
    private long _epoch;       // the current connection's (from its welcome); 0 unknown
    private long _resumeEpoch; // the epoch the cached sequences come from, kept across a reconnect

    private volatile FeedConnection? _connection;
    private Task _supervisor = Task.CompletedTask;
    private long _nextRequestId;
    private long _droppedTotal;
    private long _droppedUnreported;
    private long _gapCount;
    private long _reconnectCount;
    private int _generation;
    private int _disposed;

    /// <summary>Creates a client; call <see cref="ConnectAsync"/> to connect.</summary>
    public MarketFeedClient(MarketFeedClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = options.TimeProvider;
        _channel = Channel.CreateBounded<ServerMessage>(new BoundedChannelOptions(options.ChannelCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
        });
    }

    /// <summary>Creates a client for <paramref name="uri"/> with default options.</summary>
    public MarketFeedClient(Uri uri)
        : this(new MarketFeedClientOptions { Uri = uri })
    {
    }

    /// <summary>Raised when <see cref="State"/> changes.</summary>
    /// <remarks>Raised on the thread that changed the state (the caller of ConnectAsync/DisposeAsync or the supervisor task).</remarks>
    public event EventHandler<ConnectionStateMessage>? StateChanged;

    /// <summary>Raised when a per-symbol sequence check fails (docs/protocol.md section 7).</summary>
    /// <remarks>Raised on the receive loop before the offending update is published; do not block in the handler.</remarks>
    public event EventHandler<SequenceGapMessage>? SequenceGapDetected;

    /// <summary>Raised after a reconnect's resubscribe tells which symbols were recovered (docs/protocol.md section 7.1).</summary>
    /// <remarks>Raised on the receive loop right after the ack; do not block in the handler.</remarks>
    public event EventHandler<SubscriptionsResumedMessage>? SubscriptionsResumed;

    /// <summary>The options this client runs with.</summary>
    public MarketFeedClientOptions Options => _options;

    /// <summary>Current connection state.</summary>
    public ConnectionState State
    {
        get
        {
            lock (_stateLock)
            {
                return _state;
            }
        }
    }

    /// <summary>How the last connection ended (close code and reason, heartbeat timeout, ...); null while the first connection lives.</summary>
    public DisconnectInfo? LastDisconnect
    {
        get
        {
            lock (_stateLock)
            {
                return _lastDisconnect;
            }
        }
    }

    /// <summary>Details of the current connection's welcome message (connectionId, heartbeatMs, limits...).</summary>
    public IReadOnlyDictionary<string, object?>? ServerDetails
    {
        get
        {
            lock (_stateLock)
            {
                return _serverDetails;
            }
        }
    }

    /// <summary>Messages dropped because the application did not read the channel (<see cref="MessageOverflowPolicy.DropAndReport"/>).</summary>
    public long DroppedMessageCount => Interlocked.Read(ref _droppedTotal);

    /// <summary>Sequence anomalies detected (gaps and backward sequences).</summary>
    public long SequenceGapCount => Interlocked.Read(ref _gapCount);

    /// <summary>Successful reconnects.</summary>
    public long ReconnectCount => Interlocked.Read(ref _reconnectCount);

    /// <summary>The live subscriptions as granted by the server (resubscribed after a reconnect).</summary>
    public IReadOnlyList<Subscription> Subscriptions
    {
        get
        {
            lock (_stateLock)
            {
                return [.. _subscriptions.Values];
            }
        }
    }

    /// <summary>
    /// Every message from the server plus the client's own <see cref="ConnectionStateMessage"/>,
    /// <see cref="SequenceGapMessage"/> and <see cref="MessagesDroppedMessage"/>, in arrival order. Ends when the
    /// client is closed or gives up reconnecting.
    /// </summary>
    /// <remarks>
    /// Backed by one bounded channel (<see cref="MarketFeedClientOptions.ChannelCapacity"/>): meant for one reader.
    /// If the application does not keep up, <see cref="MarketFeedClientOptions.OverflowPolicy"/> decides: by default
    /// messages are dropped and reported with a <see cref="MessagesDroppedMessage"/> (memory never grows); with
    /// <see cref="MessageOverflowPolicy.Wait"/> the socket stops being read and the server eventually drops the
    /// connection as a slow consumer. Either way the state cache stays current.
    /// </remarks>
    public IAsyncEnumerable<ServerMessage> ReadAllAsync(CancellationToken cancellationToken = default) =>
        _channel.Reader.ReadAllAsync(cancellationToken);

    /// <summary>Latest cached state of a live subscribed symbol (by name), rebuilt from snapshots after a reconnect.</summary>
    /// <returns>False if the symbol is not subscribed or nothing has arrived for it yet.</returns>
    public bool TryGetSnapshot(string symbol, out MarketSnapshot snapshot)
    {
        lock (_stateLock)
        {
            if (_liveByName.TryGetValue(symbol, out var state) && state.HasData)
            {
                snapshot = state.Snapshot;
                return true;
            }
        }

        snapshot = default;
        return false;
    }

    /// <summary>Latest cached state by wire symbol id of the current connection (live or replay ids).</summary>
    public bool TryGetSnapshot(int symbolId, out MarketSnapshot snapshot)
    {
        lock (_stateLock)
        {
            if (_byId.TryGetValue(symbolId, out var state) && state.HasData)
            {
                snapshot = state.Snapshot;
                return true;
            }
        }

        snapshot = default;
        return false;
    }

    /// <summary>Symbol name and scales for a wire symbol id, from the subscribe acks and replay starts of the current connection.</summary>
    public bool TryGetSymbol(int symbolId, [MaybeNullWhen(false)] out SymbolRef symbol)
    {
        lock (_stateLock)
        {
            if (_byId.TryGetValue(symbolId, out var state))
            {
                symbol = state.Reference;
                return true;
            }
        }

        symbol = null;
        return false;
    }

    /// <summary>Closes the connection (close code 1000), stops reconnecting and completes <see cref="ReadAllAsync"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        var connection = _connection;
        if (connection is not null)
        {
            connection.SetForcedCause(DisconnectCause.ClientClosed);
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await connection.SendLock.WaitAsync(timeout.Token).ConfigureAwait(false);
                try
                {
                    await connection.Socket.CloseOutputAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "client closing", timeout.Token).ConfigureAwait(false);
                }
                finally
                {
                    connection.SendLock.Release();
                }

                await connection.ReceiveTask.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or System.Net.WebSockets.WebSocketException or ObjectDisposedException or InvalidOperationException)
            {
                connection.Socket.Abort();
            }
        }

        try
        {
            await _supervisor.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        SetState(ConnectionState.Closed);
        _channel.Writer.TryComplete();
        _lifetime.Dispose();
    }

    private void SetState(ConnectionState state)
    {
        ConnectionStateMessage message;
        lock (_stateLock)
        {
            if (_state == state)
            {
                return;
            }

            _state = state;
            message = new ConnectionStateMessage(state, _lastDisconnect);
        }

        Publish(message);
        try
        {
            StateChanged?.Invoke(this, message);
        }
        catch (Exception)
        {
            // A faulty handler must not break the connection lifecycle.
        }
    }

    /// <summary>Writes a message to the channel without waiting (drop-and-report when full).</summary>
    private void Publish(ServerMessage message)
    {
        if (Interlocked.Read(ref _droppedUnreported) > 0)
        {
            long pending = Interlocked.Read(ref _droppedUnreported);
            if (_channel.Writer.TryWrite(new MessagesDroppedMessage(pending, Interlocked.Read(ref _droppedTotal))))
            {
                Interlocked.Add(ref _droppedUnreported, -pending);
            }
            else
            {
                CountDropped();
                return;
            }
        }

        if (!_channel.Writer.TryWrite(message))
        {
            CountDropped();
        }
    }

    private void CountDropped()
    {
        if (_channel.Reader.Completion.IsCompleted)
        {
            return;
        }

        Interlocked.Increment(ref _droppedTotal);
        Interlocked.Increment(ref _droppedUnreported);
    }
}
