using MarketFeed.Core;

namespace MarketFeed.Engine;

/// <summary>A tick in a full-mode queue, tagged with the subscriber slot it was queued for.</summary>
public struct QueuedTick
{
    /// <summary>The sequenced tick.</summary>
    public Tick Tick;

    /// <summary>Subscriber slot index.</summary>
    public int Slot;

    /// <summary>Slot generation at enqueue time; a mismatch means the slot was unsubscribed since.</summary>
    public int Generation;
}
