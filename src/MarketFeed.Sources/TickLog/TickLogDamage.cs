namespace MarketFeed.Sources.TickLog;

/// <summary>One damaged region of a tick log.</summary>
/// <param name="Kind">What is wrong.</param>
/// <param name="Offset">File offset where the damage starts.</param>
/// <param name="Length">Length of the damaged region in bytes (to the end of file for a tail).</param>
/// <param name="Description">Human readable description.</param>
public sealed record TickLogDamage(TickLogDamageKind Kind, long Offset, long Length, string Description)
{
    /// <summary>
    /// Where in time the damage lies: the largest tick timestamp of the blocks before it (per the block
    /// index), or 0 if it is before every block. The ticks lost here were written after this time.
    /// </summary>
    public long AfterTimestamp { get; init; }

    /// <summary>
    /// The smallest tick timestamp of the blocks after it, or 0 if no block follows (a damaged tail):
    /// the ticks lost here were written before this time.
    /// </summary>
    public long BeforeTimestamp { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Kind} at offset {Offset} ({Length} bytes): {Description}";
}
