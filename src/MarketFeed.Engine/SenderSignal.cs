using System.Threading.Tasks.Sources;

namespace MarketFeed.Engine;

/// <summary>
/// An allocation-free, auto-reset wake-up for one consumer (a connection's sender loop).
/// Producers call <see cref="Set"/> when they make work available; the consumer awaits
/// <see cref="WaitAsync"/>. Sets that happen while no one waits are remembered (once).
/// </summary>
/// <remarks>
/// <see cref="Set"/> may be called from any thread, concurrently, and never blocks or allocates
/// (the waiter is resumed on the thread pool, never inline on the producer). Only one thread may
/// call <see cref="WaitAsync"/>, and it must await the result before calling it again.
/// State machine: 0 idle, 1 set (pending), 2 waiting, 3 deferred; all transitions by CAS.
/// <para>With a <see cref="FlushClock"/>, <see cref="SetDeferred"/> (market data) does not wake a
/// waiting consumer at once: the signal becomes deferred and the clock wakes it on its next tick,
/// so the data of many publishes goes out in one frame (Feed:WriteDelayMs); further sets while
/// deferred cost one read. <see cref="Set"/> (replies, closes, replays) wakes at once in every state.</para>
/// </remarks>
public sealed class SenderSignal : IValueTaskSource
{
    private const int Idle = 0;
    private const int Pending = 1;
    private const int Waiting = 2;
    private const int Deferred = 3;

    private readonly FlushClock? _clock;
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private int _state;

    /// <summary>A signal without a flush clock: <see cref="SetDeferred"/> wakes at once too.</summary>
    public SenderSignal()
    {
    }

    /// <summary>A signal whose <see cref="SetDeferred"/> wakes on the clock's next tick (null: at once).</summary>
    public SenderSignal(FlushClock? clock) => _clock = clock;

    /// <summary>
    /// True while the consumer is parked in <see cref="WaitAsync"/> and has not been released: nothing
    /// set the signal since, or only <see cref="SetDeferred"/> and the flush clock has not ticked. For
    /// diagnostics and tests: parked with work pending, while no producer runs and the clock ticks, is
    /// a lost wake-up. Any thread.
    /// </summary>
    public bool IsParked => Volatile.Read(ref _state) is Waiting or Deferred;

    /// <summary>Wakes the consumer, or leaves a pending signal if it is not waiting.</summary>
    public void Set()
    {
        while (true)
        {
            int state = Volatile.Read(ref _state);
            if (state == Pending)
            {
                return;
            }

            if (state == Idle)
            {
                if (Interlocked.CompareExchange(ref _state, Pending, Idle) == Idle)
                {
                    return;
                }
            }
            else if (Interlocked.CompareExchange(ref _state, Idle, state) == state)
            {
                // Waiting or deferred: the wake-up consumes this signal, the waiter resumes with the
                // state idle (a deferred one's later clock tick then finds nothing to do).
                _core.SetResult(true);
                return;
            }
        }
    }

    /// <summary>
    /// Wakes the consumer on the flush clock's next tick (at once without a clock), or leaves a
    /// pending signal if it is not waiting. For market data: the tick path calls it.
    /// </summary>
    public void SetDeferred()
    {
        if (_clock is null)
        {
            Set();
            return;
        }

        while (true)
        {
            int state = Volatile.Read(ref _state);
            if (state is Pending or Deferred)
            {
                return;
            }

            if (state == Idle)
            {
                if (Interlocked.CompareExchange(ref _state, Pending, Idle) == Idle)
                {
                    return;
                }
            }
            else if (Interlocked.CompareExchange(ref _state, Deferred, Waiting) == Waiting)
            {
                _clock.Defer(this);
                return;
            }
        }
    }

    /// <summary>Called by the flush clock: wakes a deferred consumer (no-op if it was woken meanwhile).</summary>
    internal void ReleaseDeferred()
    {
        if (Interlocked.CompareExchange(ref _state, Idle, Deferred) == Deferred)
        {
            _core.SetResult(true);
        }
    }

    /// <summary>Completes when <see cref="Set"/> has been called since the last wait completed.</summary>
    public ValueTask WaitAsync()
    {
        if (Interlocked.CompareExchange(ref _state, Idle, Pending) == Pending)
        {
            return default;
        }

        _core.Reset();
        if (Interlocked.CompareExchange(ref _state, Waiting, Idle) == Idle)
        {
            return new ValueTask(this, _core.Version);
        }

        // A Set landed between the two CASes: it is pending; consume it.
        Volatile.Write(ref _state, Idle);
        return default;
    }

    /// <inheritdoc />
    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    /// <inheritdoc />
    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    /// <inheritdoc />
    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
