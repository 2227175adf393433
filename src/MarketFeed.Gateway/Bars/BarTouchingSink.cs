using MarketFeed.Core;
using MarketFeed.Engine;
using MarketFeed.Gateway.Sending;

namespace MarketFeed.Gateway.Bars;

/// <summary>
/// A <see cref="FrameSink"/> that also notes, for each update it hands on, that the symbol's live
/// bars may have changed (<see cref="BarSubscriptions.Touch"/>). Used only while a connection has
/// bar updates on that feed; a struct, so the drain stays specialised and allocation-free.
/// </summary>
public readonly struct BarTouchingSink(FrameSink inner, BarSubscriptions bars) : IUpdateSink
{
    /// <inheritdoc />
    public bool HasRoom => inner.HasRoom;

    /// <inheritdoc />
    public void OnSnapshot(in MarketSnapshot snapshot)
    {
        inner.OnSnapshot(snapshot);
        bars.Touch(snapshot.SymbolId);
    }

    /// <inheritdoc />
    public void OnTick(in Tick tick)
    {
        inner.OnTick(tick);
        bars.Touch(tick.SymbolId);
    }
}
