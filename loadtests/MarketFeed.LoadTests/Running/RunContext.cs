using MarketFeed.LoadTests.Measurements;

namespace MarketFeed.LoadTests.Running;

/// <summary>What every virtual client of one run shares: the target, the clock and the recorders.</summary>
public sealed class RunContext(Uri baseUri, int symbolCount)
{
    /// <summary>Server base address (http).</summary>
    public Uri BaseUri { get; } = baseUri;

    /// <summary>Number of symbols in the server's universe (symbol ids are below it).</summary>
    public int SymbolCount { get; } = symbolCount;

    /// <summary>Run-relative clock.</summary>
    public RunClock Clock { get; } = new();

    /// <summary>End-to-end latency of fast clients (source timestamp to receive), microseconds.</summary>
    public LatencyRecorder FastLatency { get; } = new();

    /// <summary>End-to-end latency of slow readers, microseconds.</summary>
    public LatencyRecorder SlowLatency { get; } = new();

    /// <summary>Connect latency from the scheduled start (coordinated-omission safe), microseconds.</summary>
    public LatencyRecorder ConnectLatency { get; } = new(4);

    /// <summary>Subscribe-ack latency from the request send, microseconds.</summary>
    public LatencyRecorder AckLatency { get; } = new(4);

    /// <summary>Connect + subscribe-ack from the scheduled start, microseconds.</summary>
    public LatencyRecorder ReadyLatency { get; } = new(4);

    /// <summary>Failed connection attempts (connect or subscribe errors).</summary>
    public long ConnectFailures;
}
