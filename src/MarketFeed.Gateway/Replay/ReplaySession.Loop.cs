using MarketFeed.Core;
using MarketFeed.Protocol;
using MarketFeed.Sources.Replay;

namespace MarketFeed.Gateway.Replay;

internal sealed partial class ReplaySession
{
    /// <summary>
    /// Ticks due within this much wall time are sent now rather than each behind its own timer:
    /// a paced replay costs one wake-up per millisecond, not one per tick, and sends up to 1 ms
    /// early (documented in docs/protocol.md section 6).
    /// </summary>
    internal static readonly TimeSpan PacingSlack = TimeSpan.FromMilliseconds(1);

    /// <summary>Most ticks published between two checks of controls and back-pressure.</summary>
    private const int MaxBurst = 4096;

    private bool IsDue(long timestamp)
    {
        TimeSpan delay = _pacer.GetDelay(timestamp);
        return delay != Timeout.InfiniteTimeSpan && delay <= PacingSlack; // infinite while paused
    }

    private async Task RunAsync()
    {
        try
        {
            long nextStatus = _time.GetTimestamp();
            while (true)
            {
                if (_stop.IsCancellationRequested)
                {
                    _endReason = "stopped";
                    break;
                }

                if (ApplyControls())
                {
                    break;
                }

                if (!_cursor.TryPeek(out Tick next))
                {
                    // The end of the range, or damage the cursor could not read past: never call that completed.
                    _endReason = _cursor.StoppedAtDamage ? "damaged" : _cursor.DamageMet.Count > 0 ? "damage-skipped" : "completed";
                    break;
                }

                if (_mode == DeliveryMode.Full && _subscriber.JournalLag > _subscriber.JournalCapacity / 2)
                {
                    await _wake.WaitAsync().ConfigureAwait(false); // back-pressure: until the client took a frame
                    continue;
                }

                if (!IsDue(next.Timestamp))
                {
                    SendStatusIfDue(ref nextStatus, next.Timestamp);
                    await WaitDueAsync(next.Timestamp).ConfigureAwait(false);
                    continue;
                }

                // Publish every tick that is due now, in one go, within the server-wide replay budget.
                int allowed = _rateLimiter?.Take(MaxBurst) ?? MaxBurst;
                if (allowed == 0)
                {
                    SendStatusIfDue(ref nextStatus, next.Timestamp);
                    await WaitInterruptiblyAsync(token => new ValueTask(Task.Delay(_rateLimiter!.UntilAvailable(), _time, token)), wakeForStatus: false).ConfigureAwait(false);
                    continue;
                }

                int burst = 0;
                while (burst < allowed && _cursor.TryPeek(out next) && IsDue(next.Timestamp))
                {
                    _cursor.TryGetNext(out Tick tick);
                    _engine.PublishSequenced(tick);
                    _ticksSent++;
                    burst++;
                    if (_mode == DeliveryMode.Full && _subscriber.JournalLag > _subscriber.JournalCapacity / 2)
                    {
                        break;
                    }
                }

                _rateLimiter?.Return(allowed - burst);
                SendStatusIfDue(ref nextStatus, next.Timestamp);
            }

            if (_endReason != "stopped")
            {
                // Let the client receive everything before the end message (replies overtake data).
                while (_subscriber.HasPendingWork && !_stop.IsCancellationRequested && !_subscriber.IsOverflowed)
                {
                    await _wake.WaitAsync().ConfigureAwait(false);
                }
            }

            // Continue live: after the range played (for the live recording also when its tail was torn
            // as it was read: the live resume fills it from the journal or the recording, or says it cannot).
            bool goLive = ContinueLive != LiveJoin.None && !_subscriber.IsOverflowed
                && (_endReason == "completed" || (ContinueLive == LiveJoin.BySequence && _endReason == "damaged" && !_stop.IsCancellationRequested));
            if (goLive)
            {
                _endReason = "live";
            }

            // Damage met (the one ended at, or each one skipped): where it is in the file and in time.
            var damage = _endReason is "damaged" or "damage-skipped" || (goLive && _cursor.DamageMet.Count > 0) ? CatalogEntries.ToReplayDamage(_cursor.DamageMet) : null;

            // No longer running before the client can see the end: a replay it starts on the end's
            // heels is not refused with 409 (seen under load).
            EndOnce();
            _connection.Reply(
                (_endRequestId, ReplayId, _endReason, _ticksSent, damage),
                static (ref w, s) => MessageEncoder.WriteReplayEnd(ref w, s._endRequestId, s.ReplayId, s._endReason, s._ticksSent, s.damage));
            if (goLive)
            {
                _connection.SubscribeAfterReplay(LiveSubscribeRequest());
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            EndOnce();
            _connection.Reply((RequestId, ReplayId, _ticksSent), static (ref w, s) => MessageEncoder.WriteReplayEnd(ref w, s.RequestId, s.ReplayId, "error", s._ticksSent));
            _connection.ReplyError(RequestId, ErrorCode.Internal, "replay failed: " + ex.Message, null);
        }
        finally
        {
            _connection.DetachFeed(_subscriber);
            _subscriber.Dispose();
            _cursor.Dispose();
            EndOnce();
        }
    }

    /// <summary>
    /// The live subscribe that continues the replay: its symbols, mode and throttle, resuming after
    /// each symbol's last replayed seq in the live epoch (by sequence), or with epoch 0 (another
    /// sequence space: never recovered, a snapshot each).
    /// </summary>
    private ControlRequest LiveSubscribeRequest()
    {
        var names = new List<string>(_selectedIds.Length);
        var resume = new Dictionary<string, long>(_selectedIds.Length, StringComparer.OrdinalIgnoreCase);
        foreach (int id in _selectedIds)
        {
            string name = _engine.Universe[id].Name;
            _engine.States.Read(id, out MarketSnapshot state);
            names.Add(name);
            resume[name] = state.Sequence;
        }

        return new ControlRequest
        {
            Op = ControlRequest.Ops.Subscribe,
            Id = RequestId,
            Symbols = names,
            Mode = _mode,
            Throttle = _throttle,
            Epoch = ContinueLive == LiveJoin.BySequence ? _connection.Runtime.Engine.Epoch : 0,
            Resume = resume,
        };
    }

    private Task WaitDueAsync(long timestamp) => WaitInterruptiblyAsync(token => _pacer.WaitUntilDueAsync(timestamp, token), wakeForStatus: true);

    /// <summary>
    /// Runs a wait that a control request or a stop cuts short, and with
    /// <paramref name="wakeForStatus"/> also the next status time (long waits for paced ticks;
    /// not the short waits for replay budget).
    /// </summary>
    private async Task WaitInterruptiblyAsync(Func<CancellationToken, ValueTask> wait, bool wakeForStatus)
    {
        var cancel = new CancellationTokenSource();
        Volatile.Write(ref _waitCancel, cancel);
        try
        {
            if (!_controls.IsEmpty || _stop.IsCancellationRequested)
            {
                return;
            }

            if (!wakeForStatus)
            {
                await wait(cancel.Token).ConfigureAwait(false);
                return;
            }

            // Wake when the wait ends, or at the next status time, whichever is first.
            using var statusTimer = new CancellationTokenSource(_statusInterval, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel.Token, statusTimer.Token);
            await wait(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Volatile.Write(ref _waitCancel, null);
            cancel.Dispose();
        }
    }

    /// <summary>Applies queued controls; returns true if the replay must end (stop).</summary>
    private bool ApplyControls()
    {
        while (_controls.TryDequeue(out ControlRequest? request))
        {
            switch (request.Op)
            {
                case ControlRequest.Ops.ReplayStop:
                    _endReason = "stopped";
                    _endRequestId = request.Id;
                    return true;
                case ControlRequest.Ops.ReplayPause:
                    _pacer.Pause();
                    break;
                case ControlRequest.Ops.ReplayResume:
                    _pacer.Resume();
                    break;
                case ControlRequest.Ops.ReplaySpeed:
                    _pacer.SetSpeed(request.Speed is { } x ? (double.IsPositiveInfinity(x) ? ReplaySpeed.Max : ReplaySpeed.FromMultiplier(x)) : _pacer.Speed);
                    break;
                case ControlRequest.Ops.ReplaySeek:
                    Seek(request.Time ?? From);
                    break;
            }

            SendStatus(request.Id, _cursor.TryPeek(out Tick next) ? next.Timestamp : To);
        }

        return false;
    }

    private void Seek(long time)
    {
        long target = Math.Clamp(time, From, To);
        _cursor.Seek(target);
        _pacer.Reset();
        _bars?.Clear(); // bars restart from the ticks played after the seek
        SeedAndSubscribe(target);

        // Re-subscribing replaces each subscription: a fresh snapshot at the new position, and
        // queued ticks of the old position are discarded (their slot generation is stale).
        foreach (int id in _selectedIds)
        {
            _subscriber.Subscribe(id, _mode, _throttle, snapshot: true);
        }
    }

    private void SendStatusIfDue(ref long nextStatus, long position)
    {
        long now = _time.GetTimestamp();
        if (now < nextStatus)
        {
            return;
        }

        nextStatus = now + (long)(_statusInterval.TotalSeconds * _time.TimestampFrequency);
        SendStatus(0, position);
    }

    private void SendStatus(long requestId, long position)
    {
        string state = _pacer.IsPaused ? "paused" : "playing";
        _connection.Reply(
            (ReplayId, state, _pacer.Speed.ToString(), position, requestId),
            static (ref w, s) => MessageEncoder.WriteReplayStatus(ref w, s.ReplayId, s.state, s.Item3, s.position, s.requestId));
    }
}
