namespace MarketFeed.Sources.TickLog;

/// <summary>What kind of damage a tick log reader found.</summary>
public enum TickLogDamageKind
{
    /// <summary>The file ends inside a block (a crash during a write): the partial block is ignored.</summary>
    TruncatedBlock,

    /// <summary>Bytes that are not a valid block header; the reader resynchronised at the next valid block (or the end).</summary>
    CorruptRegion,

    /// <summary>A block whose header is valid but whose payload checksum does not match: the block is skipped.</summary>
    ChecksumMismatch,

    /// <summary>A block whose checksum matches but whose payload does not decode as ticks: the block is skipped.</summary>
    MalformedPayload,

    /// <summary>The footer index is missing or invalid; the block list was rebuilt by scanning (no tick is lost by this alone).</summary>
    IndexRebuilt,
}
