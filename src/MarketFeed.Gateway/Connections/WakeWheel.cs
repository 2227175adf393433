using MarketFeed.Engine;

namespace MarketFeed.Gateway.Connections;

/// <summary>
/// Wakes senders at a later time from one timer: a hashed timing wheel of 512 slots of 10 ms
/// (5.12 s around). Throttled connections use it to be woken when their next update is due, so
/// many throttled dashboards cost one timer instead of one each (see <see cref="HeartbeatWheel"/>
/// for why a timer per connection does not scale).
/// </summary>
/// <remarks>
/// <para>
/// A wake-up comes in the first tick at or after its due time: up to one slot (10 ms) late, never
/// early. A due time beyond the wheel's reach is woken at the far end (early): the sender finds its
/// update not yet due and schedules again. Either way a spurious wake costs one empty drain.
/// Callers with waits shorter than <see cref="MinWait"/> use their own timer (a fast throttle would
/// otherwise be slowed to the slot size).
/// </para>
/// <para>
/// The timer runs only while something is scheduled. Thread-safe (one lock); signals are set outside it.
/// </para>
/// </remarks>
internal sealed class WakeWheel : IDisposable
{
    /// <summary>Shortest wait worth putting on the wheel.</summary>
    public static readonly TimeSpan MinWait = TimeSpan.FromMilliseconds(20);

    private const int Slots = 512;
    private static readonly TimeSpan SlotLength = TimeSpan.FromMilliseconds(10);

    private readonly TimeProvider _time;
    private readonly long _slotTicks;
    private readonly List<SenderSignal>[] _slots = new List<SenderSignal>[Slots];
    private readonly List<SenderSignal> _firing = [];
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private long _cursor; // the last slot number fired
    private int _count;
    private bool _running;

    /// <summary>Creates a stopped wheel on <paramref name="time"/>'s clock.</summary>
    public WakeWheel(TimeProvider time)
    {
        _time = time;
        _slotTicks = Math.Max(1, (long)(time.TimestampFrequency * SlotLength.TotalSeconds));
        for (int i = 0; i < Slots; i++)
        {
            _slots[i] = [];
        }

        _cursor = time.GetTimestamp() / _slotTicks;
        _timer = time.CreateTimer(static s => ((WakeWheel)s!).Tick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Wake-ups scheduled and not yet fired.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Sets <paramref name="signal"/> once, at or up to one slot after <paramref name="dueTimestamp"/> (a <see cref="TimeProvider.GetTimestamp"/> value).</summary>
    public void Schedule(SenderSignal signal, long dueTimestamp)
    {
        long slot = (dueTimestamp + _slotTicks - 1) / _slotTicks; // first slot boundary at or after the due time
        lock (_gate)
        {
            slot = Math.Clamp(slot, _cursor + 1, _cursor + Slots - 1);
            _slots[slot % Slots].Add(signal);
            _count++;
            if (!_running)
            {
                _running = true;
                _timer.Change(SlotLength, SlotLength);
            }
        }
    }

    /// <summary>Stops the timer (nothing more is woken).</summary>
    public void Dispose() => _timer.Dispose();

    private void Tick()
    {
        lock (_gate)
        {
            long now = _time.GetTimestamp() / _slotTicks;
            long from = Math.Max(_cursor + 1, now - Slots + 1);
            for (long s = from; s <= now; s++)
            {
                List<SenderSignal> due = _slots[s % Slots];
                if (due.Count > 0)
                {
                    _firing.AddRange(due);
                    _count -= due.Count;
                    due.Clear();
                }
            }

            _cursor = Math.Max(_cursor, now);
            if (_count == 0 && _running)
            {
                _running = false;
                _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }

            // Set under the lock (cheap, never blocks): ticks may overlap, and the list is reused.
            foreach (SenderSignal signal in _firing)
            {
                signal.Set();
            }

            _firing.Clear();
        }
    }
}
