using MarketFeed.Core;

namespace MarketFeed.SignalRBaseline;

/// <summary>Shared state of the baseline: the universe and counters for <c>/metrics</c>.</summary>
public sealed class BaselineFeed(SymbolUniverse universe)
{
    private long _ticksIn;
    private long _sends;
    private long _connections;

    /// <summary>The symbol universe (same file as MarketFeed's default).</summary>
    public SymbolUniverse Universe { get; } = universe;

    /// <summary>Ticks generated.</summary>
    public long TicksIn => Volatile.Read(ref _ticksIn);

    /// <summary>Group sends issued.</summary>
    public long Sends => Volatile.Read(ref _sends);

    /// <summary>Open connections.</summary>
    public long Connections => Volatile.Read(ref _connections);

    /// <summary>Counts a generated tick and its group send (simulator thread only).</summary>
    public void TickSent()
    {
        Volatile.Write(ref _ticksIn, _ticksIn + 1);
        Volatile.Write(ref _sends, _sends + 1);
    }

    /// <summary>Counts a connection.</summary>
    public void ConnectionOpened() => Interlocked.Increment(ref _connections);

    /// <summary>Counts a disconnection.</summary>
    public void ConnectionClosed() => Interlocked.Decrement(ref _connections);
}
