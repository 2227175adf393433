using System.Net.WebSockets;
using MarketFeed.Core;
using MarketFeed.Engine;
using MarketFeed.Gateway.Auth;
using MarketFeed.Protocol;
using MarketFeed.Gateway.Diagnostics;
using MarketFeed.Gateway.Hosting;
using MarketFeed.Gateway.Options;

namespace MarketFeed.Gateway.Connections;

/// <summary>
/// One WebSocket client: a receive loop that handles control messages and a sender loop that
/// drains the connection's <see cref="Subscriber"/> into batched frames.
/// </summary>
/// <remarks>
/// Threads: the receive loop (control path), the sender loop (only writer of the socket), the
/// engine's sequencer (wakes the sender via <see cref="SenderSignal"/>), timers (heartbeat,
/// throttle) and the registry's watchdog (may abort a stalled connection). The control path and
/// the sender serialise on <c>_gate</c> so that a reply is always framed before the updates it
/// announces (a subscribe ack precedes its snapshots).
/// </remarks>
internal sealed partial class Connection : IDisposable, IHeartbeatTarget
{
    private static long s_nextId;
    private readonly WebSocket _socket;
    private readonly FeedRuntime _runtime;
    private readonly FeedOptions _options;
    private readonly TimeProvider _time;
    private ILogger _logger; // wrapped in RunAsync: every line then carries the connection's id and identity
    private readonly FeedMetrics _metrics;
    private readonly SenderSignal _signal; // market data wakes it through the flush clock (Feed:WriteDelayMs); replies use SetNow
    private readonly Subscriber _live;
    private readonly object _gate = new();
    private readonly Queue<byte[]> _outbox = new();
    private long _outboxBytes; // guarded by _gate
    private readonly CancellationTokenSource _abort = new();
    private readonly ControlRateLimiter _rateLimiter;
    private ITimer? _throttleTimer;
    private long _wheelWakeAt; // sender only: when the wake-up this connection last put on the wake wheel is due
    private ITimer? _expiryTimer;
    private long _sendStartedTimestamp;
    private SendStallWatch _stallWatch;
    private int _heartbeatDue;
    private int _closeCode;
    private int _welcomed;
    private string _closeReason = string.Empty;
    private int _errors;
    private bool _lagging;
    private bool _stoppedReading;
    private int _sendLagWarned;

    public Connection(WebSocket socket, FeedRuntime runtime, FeedMetrics metrics, ILogger logger)
    {
        _socket = socket;
        _runtime = runtime;
        _options = runtime.Options;
        _time = runtime.Time;
        _metrics = metrics;
        _logger = logger;
        _signal = new SenderSignal(runtime.FlushClock);
        _live = runtime.Engine.CreateSubscriber(_signal, deferDataWakes: true);
        _rateLimiter = new ControlRateLimiter(_time, _options.ControlMessagesPerSecond, _options.ControlMessageBurst);
        Id = "c" + Interlocked.Increment(ref s_nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Who this connection is and what it may do (anonymous with everything while auth is off).</summary>
    public ClientIdentity Identity { get; init; } = ClientIdentity.Anonymous;

    /// <summary>Connection id (in logs and the welcome message).</summary>
    public string Id { get; }

    /// <summary>Close code once closing (0 while open).</summary>
    public int CloseCode => Volatile.Read(ref _closeCode);

    /// <summary>The live feed this connection belongs to.</summary>
    public FeedRuntime Runtime => _runtime;

    /// <summary>The peer's address (null until <see cref="RunAsync"/>, or if unknown).</summary>
    public string? RemoteAddress { get; private set; }

    /// <summary>When the connection was accepted.</summary>
    public DateTimeOffset ConnectedAt { get; private set; }

    /// <summary>Live symbols held with their mode (a copy, for the admin listing).</summary>
    public (int SymbolId, DeliveryMode Mode)[] Subscriptions() => _live.Subscriptions();

    /// <summary>Live symbols held (for metrics and the admin listing).</summary>
    public int SubscriptionCount => _live.SymbolCount;

    /// <summary>How far the full-mode reader is behind the journal head, in ticks (for metrics).</summary>
    public long QueueDepth => _live.JournalLag;

    /// <summary>Runs the connection until it closes. Never throws.</summary>
    public async Task RunAsync(string? remote)
    {
        RemoteAddress = remote;
        ConnectedAt = _time.GetUtcNow();
        _logger = new ConnectionLogger(_logger, Id, Identity, remote);
        ServerLog.Connected(_logger, Id, remote);
        _metrics.ConnectionOpened();
        if (Upstream is { } upstream)
        {
            upstream.Welcome(this);
        }
        else
        {
            EnqueueWelcome();
        }

        _runtime.Heartbeats.Add(this);
        if (Identity.ExpiresAt is { } expires)
        {
            // A token is only as good as its lifetime: close with 4003 when it ends (reconnect with a fresh one).
            TimeSpan left = expires - _time.GetUtcNow();
            _expiryTimer = _time.CreateTimer(static s => ((Connection)s!).RequestClose(CloseCodes.TokenExpired, "token expired"), this, left > TimeSpan.Zero ? left : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }

        _signal.Set();

        Task sender = Task.Run(SendLoopAsync);
        try
        {
            await ReceiveLoopAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (_options.PingIntervalMs > 0 && CloseCode == 0 && IsPingTimeout(ex))
        {
            // The peer stopped answering pings (half-open or stuck): the socket is already aborted.
            if (Interlocked.CompareExchange(ref _closeCode, CloseCodes.PingTimeout, 0) == 0)
            {
                _closeReason = "no pong within the ping timeout";
                _metrics.Dropped(CloseCodes.PingTimeout);
                ServerLog.PolicyClose(_logger, Id, CloseCodes.PingTimeout, _closeReason);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Peer vanished or we aborted: the close code (if any) is already recorded.
        }
        catch (Exception ex)
        {
            ServerLog.ConnectionFailed(_logger, Id, ex);
            RequestClose(CloseCodes.InternalError, "internal error");
        }
        finally
        {
            RequestClose(CloseCodes.Normal, string.Empty);
            _abort.CancelAfter(_options.CloseTimeoutMs);
            try
            {
                await sender.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
            catch (Exception ex)
            {
                ServerLog.ConnectionFailed(_logger, Id, ex);
            }

            if (_stoppedReading)
            {
                // Unread input makes the abort a TCP reset, which can destroy the close frame in the
                // peer's receive buffer: give it CloseTimeoutMs to read the close first (its sends
                // meanwhile only fill the TCP window; nothing more is read).
                await Task.Delay(TimeSpan.FromMilliseconds(_options.CloseTimeoutMs), _time).ConfigureAwait(false);
            }

            _socket.Abort();
            await DisposeOwnedAsync().ConfigureAwait(false);
            _live.Dispose();
            _runtime.Heartbeats.Remove(this);
            _throttleTimer?.Dispose();
            _expiryTimer?.Dispose();
            Dispose();
            ServerLog.Closed(_logger, Id, CloseCode, _closeReason);
        }
    }

    /// <summary>Cuts the TCP connection at once (no close frame); the loops then end as for a vanished peer.</summary>
    public void Abort() => _socket.Abort();

    /// <summary>Asks the connection to close with a code; the sender sends the close frame. First code wins.</summary>
    public void RequestClose(int code, string reason)
    {
        if (Interlocked.CompareExchange(ref _closeCode, code, 0) == 0)
        {
            _closeReason = reason;
            _signal.Set();
        }
    }

    /// <summary>
    /// Watchdog round (the registry's timer; rounds never overlap): drops the connection if its
    /// pending send counts as stalled under <see cref="SendStallWatch"/>'s rule. Returns true if it dropped it.
    /// </summary>
    public bool CheckStalled(long now)
    {
        if (_live.CheckLapped())
        {
            // Found while a send is pending (the sender finds it itself otherwise): the data already
            // in flight is gap-free, then the sender closes with 4001 once the socket takes it.
            DropOverflowed();
            _signal.Set();
        }

        long started = Volatile.Read(ref _sendStartedTimestamp);
        WarnIfSendLags(started, now);
        if (!_stallWatch.Observe(started, now, TimeSpan.FromMilliseconds(_options.SlowConsumerTimeoutMs), _time))
        {
            return false;
        }

        if (Interlocked.CompareExchange(ref _closeCode, CloseCodes.SlowConsumerStalled, 0) != 0)
        {
            return false;
        }

        _closeReason = "slow consumer: send stalled";
        _metrics.Dropped(CloseCodes.SlowConsumerStalled);
        ServerLog.SlowConsumerDropped(_logger, Id, CloseCodes.SlowConsumerStalled, _closeReason);

        // The peer is not reading, so a close frame could not get through: cut the connection.
        _socket.Abort();
        _abort.Cancel();
        _signal.Set();
        return true;
    }

    /// <summary>
    /// Watchdog: a send pending for half the slow-consumer timeout queues a <c>lagging</c> status
    /// (reason <c>send</c>). It goes out in the first frame after that send completes, i.e. while the
    /// client can still catch up; a client that never reads again sees only the 4002 reset.
    /// </summary>
    private void WarnIfSendLags(long started, long now)
    {
        if (started == 0 || _time.GetElapsedTime(started, now).TotalMilliseconds < _options.SlowConsumerTimeoutMs / 2.0
            || Interlocked.CompareExchange(ref _sendLagWarned, 1, 0) != 0)
        {
            return;
        }

        Reply(SendLagDetails("lagging", _time.GetElapsedTime(started, now)), static (ref w, s) => MessageEncoder.WriteStatus(ref w, s.State, s.Details));
    }

    /// <summary>Sender, after a send completed: ends a send-lag episode with <c>caught_up</c>.</summary>
    private void EndSendLag()
    {
        if (Interlocked.CompareExchange(ref _sendLagWarned, 0, 1) == 1)
        {
            Reply(SendLagDetails("caught_up", TimeSpan.Zero), static (ref w, s) => MessageEncoder.WriteStatus(ref w, s.State, s.Details));
        }
    }

    private (string State, List<KeyValuePair<string, object?>> Details) SendLagDetails(string state, TimeSpan pending) => (state,
    [
        new("reason", "send"),
        new("sendPendingMs", (long)pending.TotalMilliseconds),
        new("slowConsumerTimeoutMs", _options.SlowConsumerTimeoutMs),
        new("queueDepth", _live.JournalLag),
        new("queueCapacity", _live.JournalCapacity),
    ]);

    /// <summary>
    /// The WebSocket's keep-alive gave up: it aborts the connection from inside this process, which the
    /// pending receive reports as ConnectionAbortedException (Kestrel) or with a TimeoutException in the
    /// chain. Our own aborts always record a close code first, so with none recorded it was the pings.
    /// </summary>
    private static bool IsPingTimeout(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is TimeoutException or Microsoft.AspNetCore.Connections.ConnectionAbortedException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Releases the buffers and the abort source; <see cref="RunAsync"/> calls it once both loops have ended.</summary>
    public void Dispose()
    {
        _frame.Dispose();
        _replyBuffer.Dispose();
        _abort.Dispose();
    }

    /// <inheritdoc />
    public int HeartbeatBucket { get; set; } = -1;

    /// <inheritdoc />
    public int HeartbeatIndex { get; set; } = -1;

    /// <summary>Called by the <see cref="HeartbeatWheel"/> once per heartbeat interval: the next frame carries a heartbeat.</summary>
    public void OnHeartbeatDue()
    {
        Volatile.Write(ref _heartbeatDue, 1);
        _signal.Set();
    }
}
