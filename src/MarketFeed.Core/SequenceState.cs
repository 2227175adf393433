namespace MarketFeed.Core;

/// <summary>
/// Where a feed's sequence space stands: its epoch, the global sequence of the newest tick, and
/// each symbol's latest state (which carries its last <c>seq</c> and trade accumulator). An engine
/// created from it continues exactly there: the next tick of a symbol gets <c>seq</c> + 1, the next
/// tick of the feed global sequence <see cref="GlobalSequence"/> + 1, and the epoch stays the same,
/// so clients resume across the restart (docs/protocol.md section 7.1).
/// </summary>
/// <remarks>
/// Captured by the recording service at a clean shutdown, when the tick log on disk holds every
/// tick up to this state, and restored at the next start (docs/operations.md, "Restart with
/// recording"). A scaled-out node that takes over a sequence space restores one the same way.
/// </remarks>
/// <param name="Epoch">The epoch of the sequence numbers (positive).</param>
/// <param name="GlobalSequence">Global sequence of the newest tick (0 = none yet).</param>
/// <param name="Symbols">Latest state per symbol, indexed by the engine's symbol id (length = universe size).</param>
public sealed record SequenceState(long Epoch, long GlobalSequence, MarketSnapshot[] Symbols);
