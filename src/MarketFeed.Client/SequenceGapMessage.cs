using MarketFeed.Core;
using MarketFeed.Protocol;

namespace MarketFeed.Client;

/// <summary>
/// Client-side message: a per-symbol sequence check failed (docs/protocol.md section 7). Put into the
/// message stream just before the offending update, and raised as <see cref="MarketFeedClient.SequenceGapDetected"/>.
/// </summary>
/// <param name="SymbolId">Wire symbol id.</param>
/// <param name="Symbol">Symbol name, or null if the id is not known.</param>
/// <param name="Mode">Delivery mode of the subscription.</param>
/// <param name="Anomaly">Gap (forward jump) or backward sequence.</param>
/// <param name="ExpectedSequence">Full mode: previous seq + 1; conflated: the smallest acceptable seq (previous seq).</param>
/// <param name="ReceivedSequence">The seq that arrived.</param>
/// <param name="Resubscribed">True if the client sent a new subscribe to get a fresh snapshot.</param>
public sealed record SequenceGapMessage(int SymbolId, string? Symbol, DeliveryMode Mode, SequenceAnomaly Anomaly, long ExpectedSequence, long ReceivedSequence, bool Resubscribed)
    : ServerMessage(ClientMessageKinds.SequenceGap)
{
    /// <summary>Number of ticks missed for a <see cref="SequenceAnomaly.Gap"/>; 0 otherwise.</summary>
    public long MissedTicks => Anomaly == SequenceAnomaly.Gap ? ReceivedSequence - ExpectedSequence : 0;
}
