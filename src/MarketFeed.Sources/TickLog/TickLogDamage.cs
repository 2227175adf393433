namespace MarketFeed.Sources.TickLog;

/// <summary>One damaged region of a tick log.</summary>
/// <param name="Kind">What is wrong.</param>
/// <param name="Offset">File offset where the damage starts.</param>
/// <param name="Length">Length of the damaged region in bytes (to the end of file for a tail).</param>
/// <param name="Description">Human readable description.</param>
public sealed record TickLogDamage(TickLogDamageKind Kind, long Offset, long Length, string Description)
{
    /// <inheritdoc />
    public override string ToString() => $"{Kind} at offset {Offset} ({Length} bytes): {Description}";
}
