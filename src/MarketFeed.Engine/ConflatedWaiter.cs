namespace MarketFeed.Engine;

/// <summary>
/// One conflated subscription (a subscriber's slot for one symbol) as the symbol's wake list sees
/// it: a node of an intrusive lock-free stack, pushed by the subscriber's drain when it has caught
/// up with the symbol ("armed": wake me at the next tick) and taken off by the writer's next tick of
/// the symbol, which marks the slot dirty. See <see cref="SymbolWakeLists"/>.
/// </summary>
/// <remarks>
/// Allocated once per subscribe (about 48 bytes), never per tick. <see cref="Armed"/> makes a node
/// a member of at most one list at a time; <see cref="Removed"/> turns a node still in a list into a
/// no-op once its subscription is gone (the next tick or a purge unlinks it).
/// </remarks>
internal sealed class ConflatedWaiter(Subscriber subscriber, int symbolId, int slot)
{
    /// <summary>The subscriber to mark dirty.</summary>
    public readonly Subscriber Subscriber = subscriber;

    /// <summary>The symbol whose list this node joins.</summary>
    public readonly int SymbolId = symbolId;

    /// <summary>The subscriber's slot (dirty bit) for the symbol.</summary>
    public readonly int Slot = slot;

    /// <summary>Next node in the list (written by the pusher before it publishes the node).</summary>
    public ConflatedWaiter? Next;

    /// <summary>1 while the node is in the symbol's list (set by the drain, cleared by whoever takes it off).</summary>
    public int Armed;

    /// <summary>True once the subscription is gone: a taker skips the node.</summary>
    public bool Removed;
}
