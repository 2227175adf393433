namespace MarketFeed.Sources.TickLog;

/// <summary>Options of a <see cref="TickLogWriter"/>.</summary>
public sealed class TickLogWriterOptions
{
    /// <summary>Ticks per block (a full block is encoded and written). Default 4096.</summary>
    public int BlockTicks { get; init; } = 4096;

    /// <summary>Replace an existing file (default false: creating over an existing file throws).</summary>
    public bool Overwrite { get; init; }

    /// <summary>Free text stored in the header (e.g. "import lean ibm 20131007").</summary>
    public string Source { get; init; } = string.Empty;

    /// <summary>Creation time stored in the header (ns since the epoch); 0 = now.</summary>
    public long CreatedTimestamp { get; init; }
}
