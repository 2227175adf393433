namespace MarketFeed.Gateway.Replay;

/// <summary>
/// The server-wide cap on replayed ticks per second (<c>Replay:MaxTicksPerSecond</c>), shared by
/// every per-client replay session so that replays — max-speed ones above all — leave CPU to the
/// live feed. A token bucket holding at most one second of ticks; sessions take what is
/// available for a burst and give back what they did not use.
/// </summary>
/// <remarks>Thread-safe (replay loops run on the thread pool). Never used on the live tick path.</remarks>
internal sealed class ReplayRateLimiter
{
    /// <summary>Highest cap accepted (keeps the bucket arithmetic within a long).</summary>
    public const long MaxTicksPerSecond = 1_000_000_000;

    private readonly TimeProvider _time;
    private readonly long _frequency;
    private readonly object _gate = new();

    // Credit in ticks x timestamp units (exact integer arithmetic): one tick = _frequency units,
    // a timestamp unit of elapsed time adds TicksPerSecond units, the bucket holds one second.
    private long _credit;
    private long _refilledAt;

    public ReplayRateLimiter(long ticksPerSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ticksPerSecond);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ticksPerSecond, MaxTicksPerSecond);
        TicksPerSecond = ticksPerSecond;
        _time = time;
        _frequency = time.TimestampFrequency;
        _credit = Capacity;
        _refilledAt = time.GetTimestamp();
    }

    private long Capacity => TicksPerSecond * _frequency;

    /// <summary>The cap.</summary>
    public long TicksPerSecond { get; }

    /// <summary>
    /// Ticks a replay waits for once the bucket is empty: ten milliseconds' worth (at least 1), so
    /// a capped replay wakes at most ~100 times a second and still sends frames of useful size
    /// (1 ms was measured: thousands of timer wake-ups a second cost more CPU than they saved).
    /// </summary>
    public int MinimumBurst => (int)Math.Clamp(TicksPerSecond / 100, 1, int.MaxValue);

    /// <summary>Takes up to <paramref name="wanted"/> ticks; returns how many may be sent now (0 when the bucket is empty).</summary>
    public int Take(int wanted)
    {
        lock (_gate)
        {
            Refill();
            int granted = (int)Math.Clamp(_credit / _frequency, 0, Math.Max(wanted, 0));
            _credit -= granted * _frequency;
            return granted;
        }
    }

    /// <summary>Gives back ticks taken but not sent.</summary>
    public void Return(int unused)
    {
        if (unused <= 0)
        {
            return;
        }

        lock (_gate)
        {
            _credit = Math.Min(_credit + (unused * _frequency), Capacity);
        }
    }

    /// <summary>How long until <see cref="MinimumBurst"/> ticks are available (zero if they are).</summary>
    public TimeSpan UntilAvailable()
    {
        lock (_gate)
        {
            Refill();
            long missing = (MinimumBurst * _frequency) - _credit; // in credit units
            if (missing <= 0)
            {
                return TimeSpan.Zero;
            }

            long units = (missing + TicksPerSecond - 1) / TicksPerSecond; // timestamp units, rounded up
            return TimeSpan.FromTicks(Math.Max(1, (long)Math.Ceiling(units * (double)TimeSpan.TicksPerSecond / _frequency)));
        }
    }

    private void Refill()
    {
        long now = _time.GetTimestamp();
        long elapsed = Math.Min(now - _refilledAt, _frequency); // a full bucket takes one second
        if (elapsed <= 0)
        {
            return;
        }

        _refilledAt = now;
        _credit = Math.Min(_credit + (elapsed * TicksPerSecond), Capacity);
    }
}
