using System.Net.WebSockets;
using MarketFeed.Core;
using MarketFeed.Engine;
using MarketFeed.Protocol;
using MarketFeed.Gateway.Bars;
using MarketFeed.Gateway.Diagnostics;
using MarketFeed.Gateway.Sending;

namespace MarketFeed.Gateway.Connections;

internal sealed partial class Connection
{
    // Rented at 1 KB when a burst starts and grown (doubling) within the burst up to about
    // MaxFrameBytes; released to the pool when the sender goes idle, so an idle connection holds no
    // frame buffer and the next burst starts again at 1 KB (16 KB x 10k idle connections would be
    // 160 MB). A busy connection that never goes idle keeps the size it grew to.
    private readonly FrameBuilder _frame = new(InitialFrameBytes);

    private const int InitialFrameBytes = 1024;

    private async Task SendLoopAsync()
    {
        try
        {
            while (true)
            {
                await _signal.WaitAsync().ConfigureAwait(false);
                if (CloseCode != 0)
                {
                    break;
                }

                bool more = true;
                while (more && CloseCode == 0)
                {
                    DrainResult result = FillFrame(out bool outboxPending);
                    if (result.Overflowed)
                    {
                        DropOverflowed();
                        break;
                    }

                    if (!_frame.IsEmpty)
                    {
                        ReadOnlyMemory<byte> payload = _frame.Complete();
                        await SendAsync(payload).ConfigureAwait(false);
                        _metrics.FrameSent(result.Updates, payload.Length);
                        NotifyFrameSent();
                    }

                    if (result.NextDueTimestamp != long.MaxValue)
                    {
                        WakeWhenDue(result.NextDueTimestamp);
                    }

                    more = result.HasMore || outboxPending;
                }

                // Going idle: hold no frame buffer while waiting (idle connections cost less).
                _frame.Release();
            }

            await SendCloseAsync().ConfigureAwait(false);
        }
        finally
        {
            _frame.Dispose();
        }
    }

    /// <summary>
    /// A throttled symbol's next update is due at <paramref name="due"/>: wake the sender then. Waits
    /// of <see cref="WakeWheel.MinWait"/> or more go on the server's one wake wheel (at most one
    /// pending per connection unless an earlier one is needed); shorter ones (fast throttles) on
    /// this connection's own timer, which the wheel's 10 ms slots would slow down.
    /// </summary>
    private void WakeWhenDue(long due)
    {
        long now = _time.GetTimestamp();
        TimeSpan wait = _time.GetElapsedTime(now, due);
        if (wait >= WakeWheel.MinWait)
        {
            if (_wheelWakeAt > now && _wheelWakeAt <= due)
            {
                return; // an earlier wake-up is on the wheel: its drain schedules the next one
            }

            _wheelWakeAt = due;
            _runtime.Wakes.Schedule(_signal, due);
            return;
        }

        // Created on first use: connections without a fast throttle never hold a timer for it.
        _throttleTimer ??= _time.CreateTimer(static s => ((Connection)s!)._signal.Set(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _throttleTimer.Change(wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan);
    }

    /// <summary>Sends queued replies (e.g. the error that explains a policy close) ahead of the close frame.</summary>
    private async Task FlushRepliesAsync()
    {
        lock (_gate)
        {
            _frame.Reset();
            while (_outbox.Count > 0 && _frame.Length < _options.MaxFrameBytes)
            {
                byte[] reply = _outbox.Dequeue();
                _outboxBytes -= reply.Length;
                _frame.AddEncoded(reply);
            }
        }

        if (!_frame.IsEmpty)
        {
            await SendAsync(_frame.Complete()).ConfigureAwait(false);
        }
    }

    /// <summary>Builds the next frame: queued replies first, a heartbeat if due, then market data.</summary>
    private DrainResult FillFrame(out bool outboxPending)
    {
        lock (_gate)
        {
            _frame.Reset();
            int max = _options.MaxFrameBytes;
            while (_outbox.Count > 0 && _frame.Length < max)
            {
                byte[] reply = _outbox.Dequeue();
                _outboxBytes -= reply.Length;
                _frame.AddEncoded(reply);
            }

            outboxPending = _outbox.Count > 0;
            if (Interlocked.Exchange(ref _heartbeatDue, 0) == 1)
            {
                _frame.AddHeartbeat(UnixTime.NowNanos(_time));
            }

            if (outboxPending)
            {
                // Keep replies ahead of the updates they announce: drain data on the next round.
                return new DrainResult(0, true, long.MaxValue, false);
            }

            long now = _time.GetTimestamp();
            var sink = new FrameSink(_frame, _runtime.Cache, max);
            DrainResult result = DrainWithBars(_live, sink, _liveBars, now);
            for (int i = 0; i < _feeds.Count && !result.Overflowed; i++)
            {
                AttachedFeed feed = _feeds[i];
                var feedSink = new FrameSink(_frame, null, max, feed.SymbolIdOffset);
                DrainResult r = DrainWithBars(feed.Subscriber, feedSink, feed.Bars, now);
                result = new DrainResult(
                    result.Updates + r.Updates,
                    result.HasMore || r.HasMore,
                    Math.Min(result.NextDueTimestamp, r.NextDueTimestamp),
                    r.Overflowed);
            }

            CheckLag();
            return result;
        }
    }

    /// <summary>
    /// Drains a subscriber into the frame; with bar updates on that feed, notes the symbols handed on
    /// and then appends their bar updates (docs/protocol.md 4.12).
    /// </summary>
    private DrainResult DrainWithBars(Subscriber subscriber, FrameSink sink, BarSubscriptions? bars, long now)
    {
        if (bars is null || bars.Count == 0)
        {
            return subscriber.Drain(ref sink, now);
        }

        var barSink = new BarTouchingSink(sink, bars);
        DrainResult result = subscriber.Drain(ref barSink, now);
        int written = bars.Flush(_frame);
        return written == 0 ? result : new DrainResult(result.Updates + written, result.HasMore, result.NextDueTimestamp, result.Overflowed);
    }

    private void CheckLag()
    {
        long depth = _live.JournalLag;
        int capacity = _live.JournalCapacity;
        bool lagging = depth > capacity / 2;
        if (lagging == _lagging)
        {
            return;
        }

        _lagging = lagging;
        var details = new List<KeyValuePair<string, object?>>
        {
            new("reason", "queue"),
            new("queueDepth", depth),
            new("queueCapacity", capacity),
        };
        _frame.Add((lagging ? "lagging" : "caught_up", details), static (ref w, s) => MessageEncoder.WriteStatus(ref w, s.Item1, s.details));
    }

    private async ValueTask SendAsync(ReadOnlyMemory<byte> payload)
    {
        long started = _time.GetTimestamp();
        Volatile.Write(ref _sendStartedTimestamp, started);
        try
        {
            await _socket.SendAsync(payload, WebSocketMessageType.Binary, endOfMessage: true, _abort.Token).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _sendStartedTimestamp, 0);
        }

        _metrics.SendCompleted(_time.GetElapsedTime(started));

        EndSendLag();
    }

    private void DropOverflowed()
    {
        if (Interlocked.CompareExchange(ref _closeCode, CloseCodes.SlowConsumerOverflow, 0) == 0)
        {
            _closeReason = "slow consumer: full-mode reader lapped by the journal";
            _metrics.Dropped(CloseCodes.SlowConsumerOverflow);
            ServerLog.SlowConsumerDropped(_logger, Id, CloseCodes.SlowConsumerOverflow, _closeReason);
        }
    }

    private async Task SendCloseAsync()
    {
        int code = CloseCode;
        if (code == CloseCodes.SlowConsumerStalled || _socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        // Time-boxed: a peer that does not read cannot take the close frame either.
        _abort.CancelAfter(_options.CloseTimeoutMs);
        try
        {
            await FlushRepliesAsync().ConfigureAwait(false);
            Volatile.Write(ref _sendStartedTimestamp, _time.GetTimestamp());
            await _socket.CloseOutputAsync((WebSocketCloseStatus)code, _closeReason, _abort.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            Volatile.Write(ref _sendStartedTimestamp, 0);
        }
    }
}
