namespace MarketFeed.Core;

/// <summary>Per-tick flags. Values are the wire bit values.</summary>
[Flags]
public enum TickFlags : ushort
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>The vendor flagged this tick as suspicious (e.g. AlgoSeek's Suspicious=1).</summary>
    Suspicious = 1,

    /// <summary>
    /// The source gives no sizes (e.g. TrueFX, histdata FX quotes): a size of 0 on this tick means
    /// "unknown", not an empty side; prices are valid.
    /// </summary>
    SizeUnknown = 2,
}
