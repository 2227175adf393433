using System.Net.WebSockets;
using MarketFeed.Engine;
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
internal sealed partial class Connection : IDisposable
{
    private static long s_nextId;
    private readonly WebSocket _socket;
    private readonly FeedRuntime _runtime;
    private readonly FeedOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FeedMetrics _metrics;
    private readonly SenderSignal _signal = new();
    private readonly Subscriber _live;
    private readonly object _gate = new();
    private readonly Queue<byte[]> _outbox = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly ControlRateLimiter _rateLimiter;
    private ITimer? _heartbeatTimer;
    private ITimer? _throttleTimer;
    private long _sendStartedTimestamp;
    private SendStallWatch _stallWatch;
    private int _heartbeatDue;
    private int _closeCode;
    private string _closeReason = string.Empty;
    private int _errors;
    private bool _lagging;

    public Connection(WebSocket socket, FeedRuntime runtime, FeedMetrics metrics, ILogger logger)
    {
        _socket = socket;
        _runtime = runtime;
        _options = runtime.Options;
        _time = runtime.Time;
        _metrics = metrics;
        _logger = logger;
        _live = runtime.Engine.CreateSubscriber(_signal);
        _rateLimiter = new ControlRateLimiter(_time, _options.ControlMessagesPerSecond, _options.ControlMessageBurst);
        Id = "c" + Interlocked.Increment(ref s_nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Connection id (in logs and the welcome message).</summary>
    public string Id { get; }

    /// <summary>Close code once closing (0 while open).</summary>
    public int CloseCode => Volatile.Read(ref _closeCode);

    /// <summary>The live feed this connection belongs to.</summary>
    public FeedRuntime Runtime => _runtime;

    /// <summary>Full-mode queue depth (for metrics).</summary>
    public int QueueDepth => _live.QueueDepth;

    /// <summary>Runs the connection until it closes. Never throws.</summary>
    public async Task RunAsync(string? remote)
    {
        ServerLog.Connected(_logger, Id, remote);
        _metrics.ConnectionOpened();
        EnqueueWelcome();
        var heartbeat = TimeSpan.FromMilliseconds(_options.HeartbeatIntervalMs);
        _heartbeatTimer = _time.CreateTimer(static s => ((Connection)s!).OnHeartbeatTimer(), this, heartbeat, heartbeat);
        _signal.Set();

        Task sender = Task.Run(SendLoopAsync);
        try
        {
            await ReceiveLoopAsync().ConfigureAwait(false);
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

            _socket.Abort();
            await DisposeOwnedAsync().ConfigureAwait(false);
            _live.Dispose();
            _heartbeatTimer.Dispose();
            _throttleTimer?.Dispose();
            Dispose();
            ServerLog.Closed(_logger, Id, CloseCode, _closeReason);
        }
    }

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
        long started = Volatile.Read(ref _sendStartedTimestamp);
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

    /// <summary>Releases the buffers and the abort source; <see cref="RunAsync"/> calls it once both loops have ended.</summary>
    public void Dispose()
    {
        _frame.Dispose();
        _replyBuffer.Dispose();
        _abort.Dispose();
    }

    private void OnHeartbeatTimer()
    {
        Volatile.Write(ref _heartbeatDue, 1);
        _signal.Set();
    }
}
