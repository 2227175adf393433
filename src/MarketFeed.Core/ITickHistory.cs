namespace MarketFeed.Core;

/// <summary>
/// Durable history of the feed's sequenced ticks (the recording on disk), read by a resume that
/// reaches further back than the engine's in-memory journal.
/// </summary>
/// <remarks>Called on a connection's control path, never on the tick path; may do blocking I/O. Thread-safe.</remarks>
public interface ITickHistory
{
    /// <summary>
    /// Appends to <paramref name="output"/> the ticks of <paramref name="symbolId"/> (an engine
    /// symbol id) that follow per-symbol sequence <paramref name="after"/>, in order: <c>after + 1</c>,
    /// <c>after + 2</c>, ... up to the newest one on disk. True if the history can vouch for the run
    /// (it starts at <c>after + 1</c> and has no hole; an empty run when it holds nothing after
    /// <paramref name="after"/>); false if it cannot (too far back, damaged, another epoch, a limit
    /// reached), in which case <paramref name="output"/> is left empty.
    /// </summary>
    bool TryReadAfter(int symbolId, long after, List<Tick> output);
}
