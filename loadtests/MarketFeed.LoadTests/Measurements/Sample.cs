namespace MarketFeed.LoadTests.Measurements;

/// <summary>One per-second row of the time series.</summary>
public sealed record Sample
{
    /// <summary>Seconds since the run started.</summary>
    public double T { get; init; }

    /// <summary>True while in warm-up (excluded from stats).</summary>
    public bool Warmup { get; init; }

    /// <summary>Open connections.</summary>
    public int Connections { get; init; }

    /// <summary>Updates per second delivered to all clients in this interval.</summary>
    public double UpdatesPerSecond { get; init; }

    /// <summary>Payload bytes per second.</summary>
    public double BytesPerSecond { get; init; }

    /// <summary>Fast clients' latency this interval, ms.</summary>
    public double P50Ms { get; init; }

    /// <summary>Fast clients' p99 this interval, ms.</summary>
    public double P99Ms { get; init; }

    /// <summary>Fast clients' max this interval, ms.</summary>
    public double MaxMs { get; init; }

    /// <summary>Server resident memory, MB.</summary>
    public double ServerMemoryMb { get; init; }

    /// <summary>Server managed heap, MB (from /metrics; NaN if unknown).</summary>
    public double ServerHeapMb { get; init; }

    /// <summary>Server CPU in this interval, percent of one core.</summary>
    public double ServerCpuPercent { get; init; }

    /// <summary>Load generator CPU in this interval, percent of one core.</summary>
    public double ClientCpuPercent { get; init; }

    /// <summary>Failed clients so far.</summary>
    public long Errors { get; init; }

    /// <summary>Sequence gaps so far.</summary>
    public long Gaps { get; init; }

    /// <summary>Connections closed by the server so far.</summary>
    public long Drops { get; init; }
}
