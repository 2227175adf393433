namespace MarketFeed.Gateway.Options;

/// <summary>Recording of the live feed to tick logs (section "Recording").</summary>
public sealed class RecordingOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Recording";

    /// <summary>Record every live tick (after sequencing, before conflation).</summary>
    public bool Enabled { get; set; }

    /// <summary>Folder for the logs (files rotate per UTC trading day and by size). Put it under Replay:DataDirectory to replay them.</summary>
    public string Directory { get; set; } = "data";

    /// <summary>File name prefix; the day and a counter follow.</summary>
    public string FilePrefix { get; set; } = "live-";

    /// <summary>Flush period: a crash loses at most this much.</summary>
    public int FlushIntervalMs { get; set; } = 1000;

    /// <summary>Rotate when a file reaches this size.</summary>
    public long MaxFileBytes { get; set; } = 1L << 30;

    /// <summary>Ticks buffered between the sequencer and the writer thread (overflow is counted, never blocks).</summary>
    public int RingCapacity { get; set; } = 1 << 16;

    /// <summary>
    /// Keep the epoch across a clean restart: on shutdown the sequence state is saved next to the
    /// logs and the next start continues it (same epoch, seq and global sequence), so clients resume
    /// across the restart. After a crash the epoch changes. False: a new epoch at every start.
    /// </summary>
    public bool ContinueSequences { get; set; } = true;

    /// <summary>Most missed ticks of one symbol a full-mode resume reads back from the logs (beyond: not recovered, snapshot).</summary>
    public int ResumeMaxTicks { get; set; } = 100_000;

    /// <summary>Most ticks (all symbols) one symbol's resume may decode from the logs, newest first (beyond: not recovered).</summary>
    public long ResumeMaxScanTicks { get; set; } = 4_000_000;

    /// <summary>How long a failed block write (e.g. disk full) is retried before recording stops for good; 0: no retry.</summary>
    public int WriteRetryTimeoutMs { get; set; } = 30_000;
}
