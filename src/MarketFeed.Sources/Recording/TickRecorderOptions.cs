namespace MarketFeed.Sources.Recording;

/// <summary>Options of a <see cref="TickRecorder"/>.</summary>
public sealed class TickRecorderOptions
{
    /// <summary>Folder for the tick logs (created if missing). Required.</summary>
    public string Directory { get; init; } = "data/recordings";

    /// <summary>File name prefix; files are <c>{prefix}{yyyyMMdd}[-n].mflog</c> (UTC date of the ticks).</summary>
    public string FilePrefix { get; init; } = "live-";

    /// <summary>Ring capacity in ticks (rounded up to a power of two). Default 65536 (4 MiB).</summary>
    public int RingCapacity { get; init; } = 1 << 16;

    /// <summary>Start a new file when the current one reaches this many bytes. Default 1 GiB.</summary>
    public long MaxFileBytes { get; init; } = 1L << 30;

    /// <summary>How often buffered ticks are written and flushed to disk. Default 1 s.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Ticks per block (a full block is written at once, without waiting for the flush). Default 4096.</summary>
    public int BlockTicks { get; init; } = 4096;

    /// <summary>
    /// The <c>source</c> text in each file's header. The live recording writes
    /// <c>record epoch=N</c> (<see cref="RecordedTickHistory.SourceFor"/>) so that a resume reads only
    /// files of its own sequence space. Default <c>record</c>.
    /// </summary>
    public string Source { get; init; } = "record";

    /// <summary>Start the writer thread in the constructor (default). Tests may start it later with <see cref="TickRecorder.Start"/>.</summary>
    public bool AutoStart { get; init; } = true;

    /// <summary>
    /// How long a failed block write (disk full, a transient I/O error) is retried, with backoff from 50 ms to 1 s, before
    /// recording stops for good (<see cref="TickRecorder.Failure"/>). Meanwhile ticks wait in the ring; beyond its capacity
    /// they are dropped and counted. A failed fsync is never retried (the data it covered may be gone). Zero: no retry.
    /// Default 30 s.
    /// </summary>
    public TimeSpan WriteRetryTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
