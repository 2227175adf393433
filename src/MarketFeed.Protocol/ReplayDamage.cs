namespace MarketFeed.Protocol;

/// <summary>
/// One damaged part of a dataset that a replay met (replay end, docs/protocol.md section 6): where it is in the
/// dataset's file and between which tick times the ticks it held were written.
/// </summary>
/// <param name="Kind"><c>truncated_block</c>, <c>corrupt_region</c>, <c>checksum_mismatch</c> or <c>malformed_payload</c> (more may be added).</param>
/// <param name="Offset">Byte offset of the damage in the dataset's tick log file.</param>
/// <param name="Length">Length of the damaged bytes (to the end of the file for a torn tail).</param>
/// <param name="AfterTimestamp">The lost ticks were written after this time (ns since the epoch; 0: before the first block).</param>
/// <param name="BeforeTimestamp">The lost ticks were written before this time (ns since the epoch; 0: nothing readable follows).</param>
/// <param name="Description">Human-readable description.</param>
public sealed record ReplayDamage(string Kind, long Offset, long Length, long AfterTimestamp, long BeforeTimestamp, string Description)
{
    /// <summary>Most damage entries one replay end carries (the rest are counted in the server log only).</summary>
    public const int MaxEntries = 100;
}
