namespace MarketFeed.Sources.TickLog;

/// <summary>Index entry of one block of a tick log.</summary>
/// <param name="Offset">File offset of the block header.</param>
/// <param name="PayloadLength">Length of the (stored) payload in bytes, after the header.</param>
/// <param name="TickCount">Number of ticks in the block.</param>
/// <param name="MinTimestamp">Smallest tick timestamp in the block (also the base of the encoded timestamp deltas), ns since the epoch.</param>
/// <param name="MaxTimestamp">Largest tick timestamp in the block, ns since the epoch.</param>
public readonly record struct TickLogBlockInfo(long Offset, int PayloadLength, int TickCount, long MinTimestamp, long MaxTimestamp)
{
    /// <summary>Offset just past the block.</summary>
    public long End => Offset + TickLogFormat.BlockHeaderSize + PayloadLength;
}
