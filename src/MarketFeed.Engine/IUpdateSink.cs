using MarketFeed.Core;

namespace MarketFeed.Engine;

/// <summary>
/// Receives the updates a <see cref="Subscriber"/> drains (e.g. a frame encoder).
/// Implemented as a struct by hot callers so the generic drain is specialised and never boxes.
/// </summary>
public interface IUpdateSink
{
    /// <summary>False when the current frame is full; the drain stops and reports more work.</summary>
    bool HasRoom { get; }

    /// <summary>A symbol's full latest state (sent on subscribe and after resets).</summary>
    void OnSnapshot(in MarketSnapshot snapshot);

    /// <summary>A quote or trade (conflated: the latest; full: the next in sequence).</summary>
    void OnTick(in Tick tick);
}
