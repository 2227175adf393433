namespace MarketFeed.Sources.Replay;

/// <summary>
/// Decides when each replayed tick is due: the original gap between tick timestamps divided by
/// the speed, measured on a <see cref="TimeProvider"/>. Supports pause/resume (paused time does
/// not count), speed changes while running (the replay clock continues from where it is),
/// seek (<see cref="Reset"/>) and <see cref="ReplaySpeed.Max"/> (never waits).
/// </summary>
/// <remarks>
/// The first tick asked about after construction, <see cref="Reset"/> or a switch away from max
/// speed anchors the replay clock: it is due at once and later ticks are due relative to it.
/// If the consumer falls behind, later ticks are due immediately until it catches up with the
/// schedule (the schedule is not shifted).
/// Thread safety: one consumer calls <see cref="WaitUntilDueAsync"/>; control methods
/// (<see cref="Pause"/>, <see cref="Resume"/>, <see cref="SetSpeed"/>, <see cref="Reset"/>) may be
/// called from any thread at any time and wake a pending wait so it re-plans. State is guarded by
/// a lock; waits that are already due complete synchronously without allocating.
/// </remarks>
public sealed class ReplayPacer
{
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private CancellationTokenSource _changed = new();
    private ReplaySpeed _speed;
    private bool _paused;
    private bool _hasAnchor;
    private long _anchorTick;
    private long _anchorWall;

    /// <summary>Creates a pacer.</summary>
    public ReplayPacer(TimeProvider timeProvider, ReplaySpeed speed)
    {
        _time = timeProvider;
        _speed = speed;
    }

    /// <summary>Current speed.</summary>
    public ReplaySpeed Speed
    {
        get
        {
            lock (_gate)
            {
                return _speed;
            }
        }
    }

    /// <summary>True while paused.</summary>
    public bool IsPaused
    {
        get
        {
            lock (_gate)
            {
                return _paused;
            }
        }
    }

    /// <summary>
    /// The replay clock: the tick timestamp that is due now (ns), or null before the first tick,
    /// after <see cref="Reset"/> or at max speed.
    /// </summary>
    public long? VirtualTime
    {
        get
        {
            lock (_gate)
            {
                return !_hasAnchor || _speed.IsMax ? null : _paused ? _anchorTick : VirtualNow(_time.GetTimestamp());
            }
        }
    }

    /// <summary>Changes the speed; the replay clock continues from its current position.</summary>
    public void SetSpeed(ReplaySpeed speed)
    {
        CancellationTokenSource old;
        lock (_gate)
        {
            if (_speed.IsMax || speed.IsMax)
            {
                _hasAnchor = false;
            }
            else if (_hasAnchor && !_paused)
            {
                long now = _time.GetTimestamp();
                _anchorTick = VirtualNow(now);
                _anchorWall = now;
            }

            _speed = speed;
            old = Swap();
        }

        old.Cancel();
    }

    /// <summary>Pauses: nothing becomes due until <see cref="Resume"/>.</summary>
    public void Pause()
    {
        CancellationTokenSource old;
        lock (_gate)
        {
            if (_paused)
            {
                return;
            }

            if (_hasAnchor && !_speed.IsMax)
            {
                long now = _time.GetTimestamp();
                _anchorTick = VirtualNow(now);
                _anchorWall = now;
            }

            _paused = true;
            old = Swap();
        }

        old.Cancel();
    }

    /// <summary>Resumes after <see cref="Pause"/>; the paused interval is not counted.</summary>
    public void Resume()
    {
        CancellationTokenSource old;
        lock (_gate)
        {
            if (!_paused)
            {
                return;
            }

            _paused = false;
            _anchorWall = _time.GetTimestamp();
            old = Swap();
        }

        old.Cancel();
    }

    /// <summary>Forgets the replay clock (call after a seek): the next tick is due at once and re-anchors it.</summary>
    public void Reset()
    {
        CancellationTokenSource old;
        lock (_gate)
        {
            _hasAnchor = false;
            old = Swap();
        }

        old.Cancel();
    }

    /// <summary>
    /// How long until a tick with this timestamp is due: <see cref="TimeSpan.Zero"/> if due now,
    /// <see cref="Timeout.InfiniteTimeSpan"/> while paused. Anchors the clock if it has no anchor.
    /// </summary>
    public TimeSpan GetDelay(long tickTimestamp)
    {
        lock (_gate)
        {
            return DelayLocked(tickTimestamp);
        }
    }

    /// <summary>Completes when the tick is due (at once at max speed or when late).</summary>
    public ValueTask WaitUntilDueAsync(long tickTimestamp, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return GetDelay(tickTimestamp) == TimeSpan.Zero ? ValueTask.CompletedTask : new ValueTask(WaitSlowAsync(tickTimestamp, cancellationToken));
    }

    private async Task WaitSlowAsync(long tickTimestamp, CancellationToken cancellationToken)
    {
        while (true)
        {
            TimeSpan delay;
            CancellationToken changed;
            lock (_gate)
            {
                delay = DelayLocked(tickTimestamp);
                changed = _changed.Token;
            }

            if (delay == TimeSpan.Zero)
            {
                return;
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, changed);
            try
            {
                await Task.Delay(delay, _time, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A control change woke us: re-plan with the new state.
            }
        }
    }

    private TimeSpan DelayLocked(long tickTimestamp)
    {
        if (_paused)
        {
            return Timeout.InfiniteTimeSpan;
        }

        if (_speed.IsMax)
        {
            return TimeSpan.Zero;
        }

        long now = _time.GetTimestamp();
        if (!_hasAnchor)
        {
            _hasAnchor = true;
            _anchorTick = tickTimestamp;
            _anchorWall = now;
            return TimeSpan.Zero;
        }

        double dueNanos = (tickTimestamp - _anchorTick) / _speed.Multiplier;
        double elapsedNanos = _time.GetElapsedTime(_anchorWall, now).Ticks * 100.0;
        double remaining = dueNanos - elapsedNanos;
        return remaining <= 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)Math.Ceiling(remaining / 100.0));
    }

    private long VirtualNow(long now) =>
        _anchorTick + (long)(_time.GetElapsedTime(_anchorWall, now).Ticks * 100.0 * _speed.Multiplier);

    private CancellationTokenSource Swap()
    {
        var old = _changed;
        _changed = new CancellationTokenSource();
        return old;
    }
}
