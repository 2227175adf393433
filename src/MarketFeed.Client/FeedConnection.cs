using System.Net.WebSockets;

namespace MarketFeed.Client;

/// <summary>One WebSocket connection of a <see cref="MarketFeedClient"/> (the client makes a new one per reconnect).</summary>
/// <remarks>
/// The receive loop is the only reader of <see cref="Socket"/>; senders serialize through <see cref="SendLock"/>
/// (a WebSocket allows one send and one receive at a time). The heartbeat timer runs on a timer thread and only
/// reads the last-frame timestamp and the reader-blocked flag (volatile) and calls <see cref="WebSocket.Abort"/>.
/// </remarks>
internal sealed class FeedConnection : IDisposable
{
    private readonly TimeProvider _time;
    private ITimer? _heartbeatTimer;
    private long _lastFrameTimestamp;
    private int _readerBlocked;
    private int _forcedCause = -1;

    public FeedConnection(ClientWebSocket socket, TimeProvider time, int generation)
    {
        Socket = socket;
        _time = time;
        Generation = generation;
        _lastFrameTimestamp = time.GetTimestamp();
    }

    public ClientWebSocket Socket { get; }

    public int Generation { get; }

    public SemaphoreSlim SendLock { get; } = new(1, 1);

    /// <summary>Completed after the first frame was processed (with the welcome, or null if the first message was something else).</summary>
    public TaskCompletionSource<Protocol.StatusMessage?> Welcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The receive loop; its result says how the connection ended.</summary>
    public Task<DisconnectInfo> ReceiveTask { get; set; } = Task.FromResult<DisconnectInfo>(null!);

    public TimeSpan HeartbeatTimeout { get; private set; }

    /// <summary>A cause set by the client (heartbeat timeout, application close) before it aborted or closed the socket.</summary>
    public DisconnectCause? ForcedCause
    {
        get
        {
            int v = Volatile.Read(ref _forcedCause);
            return v < 0 ? null : (DisconnectCause)v;
        }
    }

    public void SetForcedCause(DisconnectCause cause) => Interlocked.CompareExchange(ref _forcedCause, (int)cause, -1);

    /// <summary>Receive loop: a frame arrived.</summary>
    public void MarkFrameReceived() => Volatile.Write(ref _lastFrameTimestamp, _time.GetTimestamp());

    /// <summary>Receive loop: waiting for the application to make room (heartbeat checks paused).</summary>
    public void SetReaderBlocked(bool blocked)
    {
        if (!blocked)
        {
            MarkFrameReceived();
        }

        Volatile.Write(ref _readerBlocked, blocked ? 1 : 0);
    }

    /// <summary>Starts (or restarts) the heartbeat watchdog: dead after <paramref name="timeout"/> of silence, checked every <paramref name="interval"/>.</summary>
    public void StartHeartbeatWatchdog(TimeSpan interval, TimeSpan timeout)
    {
        HeartbeatTimeout = timeout;
        _heartbeatTimer?.Dispose();
        var period = interval < TimeSpan.FromMilliseconds(10) ? TimeSpan.FromMilliseconds(10) : interval;
        _heartbeatTimer = _time.CreateTimer(static s => ((FeedConnection)s!).CheckHeartbeat(), this, period, period);
    }

    private void CheckHeartbeat()
    {
        if (Volatile.Read(ref _readerBlocked) != 0)
        {
            return;
        }

        if (_time.GetElapsedTime(Volatile.Read(ref _lastFrameTimestamp)) >= HeartbeatTimeout)
        {
            SetForcedCause(DisconnectCause.HeartbeatTimeout);
            _heartbeatTimer?.Dispose();
            Socket.Abort();
        }
    }

    public void Dispose()
    {
        _heartbeatTimer?.Dispose();
        Socket.Dispose();
        SendLock.Dispose();
    }
}
