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
/// called from any thread at any time and re-plan a pending wait (its timer is moved, or it
/// completes at once). State is guarded by a lock; waits that are already due complete
/// synchronously without allocating; a wait that must sleep allocates one timer and one task.
/// </remarks>
public sealed class ReplayPacer
{
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private Waiter? _waiter;
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
            ReplanLocked();
        }
    }

    /// <summary>Pauses: nothing becomes due until <see cref="Resume"/>.</summary>
    public void Pause()
    {
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
            ReplanLocked();
        }
    }

    /// <summary>Resumes after <see cref="Pause"/>; the paused interval is not counted.</summary>
    public void Resume()
    {
        lock (_gate)
        {
            if (!_paused)
            {
                return;
            }

            _paused = false;
            _anchorWall = _time.GetTimestamp();
            ReplanLocked();
        }
    }

    /// <summary>Forgets the replay clock (call after a seek): the next tick is due at once and re-anchors it.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _hasAnchor = false;
            ReplanLocked();
        }
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

    /// <summary>
    /// Completes when the tick is due: synchronously (no allocation) at max speed or when already
    /// due, else when the <see cref="TimeProvider"/> timer fires or a control change makes it due.
    /// Only one wait may be pending at a time.
    /// </summary>
    public ValueTask WaitUntilDueAsync(long tickTimestamp, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Waiter waiter;
        lock (_gate)
        {
            var delay = DelayLocked(tickTimestamp);
            if (delay == TimeSpan.Zero)
            {
                return ValueTask.CompletedTask;
            }

            if (_waiter is not null)
            {
                throw new InvalidOperationException("a wait is already pending on this pacer");
            }

            waiter = new Waiter(this, tickTimestamp);
            _waiter = waiter;
            waiter.Timer = _time.CreateTimer(static s => ((Waiter)s!).Pacer.OnTimer((Waiter)s), waiter, delay, Timeout.InfiniteTimeSpan);
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.Registration = cancellationToken.UnsafeRegister(static (s, ct) => ((Waiter)s!).Pacer.OnCanceled((Waiter)s, ct), waiter);
        }

        return new ValueTask(waiter.Completion.Task);
    }

    private void OnTimer(Waiter waiter)
    {
        lock (_gate)
        {
            if (_waiter == waiter)
            {
                ReplanLocked();
            }
        }
    }

    private void OnCanceled(Waiter waiter, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_waiter != waiter)
            {
                return;
            }

            _waiter = null;
        }

        waiter.Timer?.Dispose();
        waiter.Completion.TrySetCanceled(cancellationToken);
    }

    /// <summary>Re-plans the pending wait after a timer tick or a control change (under the lock).</summary>
    private void ReplanLocked()
    {
        var waiter = _waiter;
        if (waiter is null)
        {
            return;
        }

        var delay = DelayLocked(waiter.TickTimestamp);
        if (delay == TimeSpan.Zero)
        {
            _waiter = null;
            waiter.Timer?.Dispose();
            waiter.Registration.Unregister();

            // Continuations run asynchronously, so completing under the lock runs no user code here.
            waiter.Completion.TrySetResult();
        }
        else
        {
            waiter.Timer?.Change(delay, Timeout.InfiniteTimeSpan);
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

    private sealed class Waiter(ReplayPacer pacer, long tickTimestamp)
    {
        public ReplayPacer Pacer { get; } = pacer;

        public long TickTimestamp { get; } = tickTimestamp;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ITimer? Timer { get; set; }

        public CancellationTokenRegistration Registration { get; set; }
    }
}
