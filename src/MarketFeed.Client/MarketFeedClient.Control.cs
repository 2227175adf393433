namespace MarketFeed.Client;

/// <content>Transport control for tests and load generators: abort the connection, stop and resume reading the socket.</content>
public sealed partial class MarketFeedClient
{
    private readonly Lock _pauseLock = new();
    private TaskCompletionSource? _receivePause; // non-null while reading is paused; completed on resume

    /// <summary>True between <see cref="PauseReceiving"/> and the resume.</summary>
    public bool IsReceivingPaused => Volatile.Read(ref _receivePause) is not null;

    /// <summary>
    /// Aborts the current connection at once, without a close handshake: the socket is closed (the server sees a reset
    /// when data it sent was still unread, an end of stream otherwise) exactly as if the network had failed. The
    /// connection ends with <see cref="DisconnectCause.ConnectionLost"/>; with <see cref="MarketFeedClientOptions.AutoReconnect"/>
    /// the client reconnects and resumes as after any lost connection. Does nothing when there is no connection.
    /// </summary>
    public void Abort() => _connection?.Socket.Abort();

    /// <summary>
    /// Stops reading the socket after the frame being received (a stalled or slow consumer: the kernel buffers fill and
    /// the server sees back-pressure, and may drop the connection, docs/protocol.md section 9). The heartbeat watchdog
    /// is paused meanwhile. Reading resumes after <paramref name="duration"/> (from
    /// <see cref="MarketFeedClientOptions.TimeProvider"/>) or, when it is null, at <see cref="ResumeReceiving"/>.
    /// Requests sent meanwhile get no reply until reading resumes. Calling it while paused keeps the pause (a duration
    /// given then ends it too).
    /// </summary>
    /// <param name="duration">How long to stop reading; null = until <see cref="ResumeReceiving"/>.</param>
    public void PauseReceiving(TimeSpan? duration = null)
    {
        if (duration is { } d)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(d, TimeSpan.Zero);
        }

        TaskCompletionSource pause;
        lock (_pauseLock)
        {
            pause = _receivePause ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        if (duration is { } delay)
        {
            _ = ResumeAfterAsync(pause, delay);
        }
    }

    /// <summary>Resumes reading the socket after <see cref="PauseReceiving"/>; does nothing when not paused.</summary>
    public void ResumeReceiving()
    {
        TaskCompletionSource? pause;
        lock (_pauseLock)
        {
            pause = _receivePause;
            _receivePause = null;
        }

        pause?.TrySetResult();
    }

    private async Task ResumeAfterAsync(TaskCompletionSource pause, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _time, _lifetime.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // closing: the receive loop's wait ends with the client's lifetime
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        lock (_pauseLock)
        {
            if (!ReferenceEquals(_receivePause, pause))
            {
                return; // resumed (and maybe paused again) meanwhile
            }

            _receivePause = null;
        }

        pause.TrySetResult();
    }

    /// <summary>Receive loop: waits while reading is paused (heartbeat checks paused too).</summary>
    private async ValueTask WaitWhileReceivingPausedAsync(FeedConnection connection, TaskCompletionSource pause)
    {
        connection.SetReaderBlocked(true);
        try
        {
            await pause.Task.WaitAsync(_lifetime.Token).ConfigureAwait(false);
        }
        finally
        {
            connection.SetReaderBlocked(false);
        }
    }
}
