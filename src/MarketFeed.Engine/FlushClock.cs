namespace MarketFeed.Engine;

/// <summary>
/// Wakes deferred senders together, one period after the first of them was deferred
/// (<c>Feed:WriteDelayMs</c>). A sender woken by new market data waits for the next tick of this clock, so every update published meanwhile goes
/// into the same frame: fewer frames, socket writes and thread wake-ups per delivered update, at the
/// cost of up to one period of latency (on average half of it). Centrifugo's <c>write_delay</c> and
/// Lightstreamer's frequency limits trade the same way.
/// </summary>
/// <remarks>
/// <see cref="Defer"/> is called by publishers (the sequencer thread, timers) at most once per
/// sender wake-up; it takes a short lock and appends to a list that is reused, so it does not
/// allocate once the list has grown to the number of senders deferred in one period. The first
/// deferral after a tick arms a one-shot timer for one period; the tick swaps the list and wakes
/// every sender in it. So the clock ticks only while there is something to wake.
/// </remarks>
public sealed class FlushClock : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Lock _tickGate = new();
    private readonly ITimer _timer;
    private List<SenderSignal> _pending = new(64);
    private bool _armed; // guarded by _gate: the one-shot timer is set for the first deferral after a tick
    private List<SenderSignal> _waking = new(64); // walked by Tick only, under _tickGate

    /// <summary>Creates a clock that wakes deferred senders <paramref name="period"/> after the first of them, on <paramref name="time"/>.</summary>
    public FlushClock(TimeSpan period, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
        Period = period;
        _timer = time.CreateTimer(static s => ((FlushClock)s!).Tick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The clock's period.</summary>
    public TimeSpan Period { get; }

    /// <summary>Senders deferred and not yet woken.</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Queues a deferred signal for the next tick.</summary>
    internal void Defer(SenderSignal signal)
    {
        lock (_gate)
        {
            _pending.Add(signal);
            if (!_armed)
            {
                // The clock runs only while senders wait on it: an idle feed pays no timer wake-ups
                // (a periodic 2 ms timer cost 8 % of a core on an idle server).
                _armed = true;
                _timer.Change(Period, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Wakes every sender deferred since the last tick (the timer calls it; tests may too).</summary>
    public void Tick()
    {
        // A tick armed while the previous one still walks may overlap it: one walk at a time, and a
        // tick that finds a walk in progress leaves its senders for the next one.
        if (!_tickGate.TryEnter())
        {
            lock (_gate)
            {
                _timer.Change(Period, Timeout.InfiniteTimeSpan); // still armed: come back for these
            }

            return;
        }

        try
        {
            lock (_gate)
            {
                _armed = false;
                if (_pending.Count == 0)
                {
                    return;
                }

                (_pending, _waking) = (_waking, _pending);
            }

            foreach (SenderSignal signal in _waking)
            {
                signal.ReleaseDeferred();
            }

            _waking.Clear();
        }
        finally
        {
            _tickGate.Exit();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _timer.Dispose();
}
