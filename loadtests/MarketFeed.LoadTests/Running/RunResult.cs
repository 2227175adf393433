using HdrHistogram;
using MarketFeed.LoadTests.Hosting;
using MarketFeed.LoadTests.Measurements;
using MarketFeed.LoadTests.Thresholds;

namespace MarketFeed.LoadTests.Running;

/// <summary>Everything measured in one run of one scenario variant against one target.</summary>
public sealed class RunResult
{
    /// <summary>Scenario name.</summary>
    public required string Scenario { get; init; }

    /// <summary>Variant.</summary>
    public required string Variant { get; init; }

    /// <summary>Target server.</summary>
    public required TargetKind Target { get; init; }

    /// <summary>Scenario description.</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>Load simulation as text.</summary>
    public string Load { get; init; } = string.Empty;

    /// <summary>Simulator ticks per second.</summary>
    public double TickRate { get; init; }

    /// <summary>Short label: target/scenario[/variant].</summary>
    public string Label => $"{(Target == TargetKind.MarketFeed ? "marketfeed" : "signalr")}/{Scenario}{(Variant == "default" ? string.Empty : "/" + Variant)}";

    /// <summary>Per-second time series.</summary>
    public List<Sample> Samples { get; } = [];

    /// <summary>Fast clients' end-to-end latency after warm-up (µs).</summary>
    public LongHistogram FastLatency { get; set; } = LatencyRecorder.NewHistogram();

    /// <summary>Slow readers' latency after warm-up (µs).</summary>
    public LongHistogram SlowLatency { get; set; } = LatencyRecorder.NewHistogram();

    /// <summary>Connect latency from scheduled start (µs), all connections.</summary>
    public LongHistogram ConnectLatency { get; set; } = LatencyRecorder.NewHistogram();

    /// <summary>Subscribe-ack latency (µs).</summary>
    public LongHistogram AckLatency { get; set; } = LatencyRecorder.NewHistogram();

    /// <summary>Scheduled start to subscribe ack (µs).</summary>
    public LongHistogram ReadyLatency { get; set; } = LatencyRecorder.NewHistogram();

    /// <summary>Seconds of measurement (after warm-up, before stop).</summary>
    public double MeasuredSeconds { get; set; }

    /// <summary>Updates delivered in the measured window, all clients.</summary>
    public long Updates { get; set; }

    /// <summary>Frames (WebSocket messages) delivered in the measured window, all clients.</summary>
    public long Frames { get; set; }

    /// <summary>Server CPU time (user + system, from /proc) over the measured window.</summary>
    public double ServerCpuSeconds { get; set; }

    /// <summary>Server CPU microseconds per delivered update: the headline efficiency figure (robust to a noisy box).</summary>
    public double ServerCpuMicrosPerUpdate => Updates > 0 ? ServerCpuSeconds * 1e6 / Updates : 0;

    /// <summary>Server CPU microseconds per delivered frame.</summary>
    public double ServerCpuMicrosPerFrame => Frames > 0 ? ServerCpuSeconds * 1e6 / Frames : 0;

    /// <summary>Payload bytes in the measured window (0 when not observable, e.g. SignalR).</summary>
    public long Bytes { get; set; }

    /// <summary>Per fast client updates/s: min, mean, max.</summary>
    public (double Min, double Mean, double Max) PerClient { get; set; }

    /// <summary>Failed clients (connect/subscribe errors, unexpected closes, protocol errors).</summary>
    public long Errors { get; set; }

    /// <summary>Sequence gaps.</summary>
    public long Gaps { get; set; }

    /// <summary>Error messages from the server.</summary>
    public long ServerErrors { get; set; }

    /// <summary>Lagging episodes reported by the server.</summary>
    public long LagEpisodes { get; set; }

    /// <summary>Close codes seen by clients -> count.</summary>
    public SortedDictionary<int, int> CloseCodes { get; } = [];

    /// <summary>Stallers: count, dropped count, drop delays after the stall (s, from the server drop counter, 1-s resolution).</summary>
    public StallerSummary? Stallers { get; set; }

    /// <summary>Peak open connections.</summary>
    public int PeakConnections { get; set; }

    /// <summary>Server RSS before the load (MB).</summary>
    public double ServerMemoryBeforeMb { get; set; }

    /// <summary>Peak server RSS (MB).</summary>
    public double ServerMemoryPeakMb { get; set; }

    /// <summary>Server RSS at the end of the steady state (MB).</summary>
    public double ServerMemoryEndMb { get; set; }

    /// <summary>Server RSS increase per open connection at the peak, KB (connection storm).</summary>
    public double MemoryPerConnectionKb { get; set; } = double.NaN;

    /// <summary>Server managed heap increase per open connection, KB.</summary>
    public double HeapPerConnectionKb { get; set; } = double.NaN;

    /// <summary>Mean server CPU over the measured window, % of one core.</summary>
    public double ServerCpuPercent { get; set; }

    /// <summary>Mean load-generator CPU over the measured window, % of one core.</summary>
    public double ClientCpuPercent { get; set; }

    /// <summary>Host 1-minute load average at the start and end of the run (other tenants' load shows here).</summary>
    public (double Start, double End) HostLoad { get; set; }

    /// <summary>Server-side counters at the end (from /metrics).</summary>
    public IReadOnlyDictionary<string, double> ServerMetrics { get; set; } = new Dictionary<string, double>();

    /// <summary>Stopped early because failures exceeded the scenario's limit.</summary>
    public bool StoppedOnFailures { get; set; }

    /// <summary>Threshold results.</summary>
    public List<ThresholdOutcome> Thresholds { get; } = [];

    /// <summary>First client errors (for the report).</summary>
    public List<string> ErrorSamples { get; } = [];

    /// <summary>Replay clients in the run (replay burst scenario; 0 elsewhere).</summary>
    public int ReplayClients { get; set; }

    /// <summary>Finished replays (all replay clients).</summary>
    public long ReplayRuns { get; set; }

    /// <summary>Replayed ticks received in finished replays.</summary>
    public long ReplayTicks { get; set; }

    /// <summary>Replays not completed with every sent tick received, plus replay clients whose first replay never started.</summary>
    public long ReplayErrors { get; set; }

    /// <summary>Replay duration per finished replay, request to replay end (µs).</summary>
    public LongHistogram ReplayDuration { get; set; } = LatencyRecorder.NewHistogram();

    /// <summary>Replayed ticks/s, all replay clients: finished replays' ticks over the span from the first request to the last end.</summary>
    public double ReplayTicksPerSecond { get; set; }

    /// <summary>Per replay client ticks/s (its replayed ticks over its time in replays): min, mean, max.</summary>
    public (double Min, double Mean, double Max) ReplayPerClient { get; set; }

    /// <summary>Mass reconnect outcome, or null when no client was dropped on purpose.</summary>
    public ReconnectSummary? Reconnect { get; set; }

    /// <summary>Delivered updates per second.</summary>
    public double DeliveredPerSecond => MeasuredSeconds > 0 ? Updates / MeasuredSeconds : 0;

    /// <summary>Payload bytes per second.</summary>
    public double BytesPerSecond => MeasuredSeconds > 0 ? Bytes / MeasuredSeconds : 0;

    /// <summary>True if no threshold failed and the run was not stopped.</summary>
    public bool Passed => !StoppedOnFailures && Thresholds.TrueForAll(t => t.Passed);

    /// <summary>Value of a metric by threshold name (see <see cref="Metrics.Names"/>).</summary>
    public double? Metric(string name) => name switch
    {
        "p50" => Ms(FastLatency, 50),
        "p75" => Ms(FastLatency, 75),
        "p95" => Ms(FastLatency, 95),
        "p99" => Ms(FastLatency, 99),
        "p99.9" => Ms(FastLatency, 99.9),
        "max" => FastLatency.TotalCount == 0 ? null : FastLatency.GetMaxValue() / 1000.0,
        "mean" => FastLatency.TotalCount == 0 ? null : FastLatency.GetMean() / 1000.0,
        "connect_p99" => Ms(ConnectLatency, 99),
        "ack_p99" => Ms(AckLatency, 99),
        "ready_p99" => Ms(ReadyLatency, 99),
        "delivered" => DeliveredPerSecond,
        "bytes" => BytesPerSecond,
        "client_min" => PerClient.Min,
        "client_mean" => PerClient.Mean,
        "client_max" => PerClient.Max,
        "errors" => Errors,
        "gaps" => Gaps,
        "drops" => DropCount,
        "server_mem_mb" => ServerMemoryPeakMb,
        "mem_per_conn_kb" => double.IsNaN(MemoryPerConnectionKb) ? null : MemoryPerConnectionKb,
        "heap_per_conn_kb" => double.IsNaN(HeapPerConnectionKb) ? null : HeapPerConnectionKb,
        "server_cpu" => ServerCpuPercent,
        "cpu_us_per_update" => ServerCpuMicrosPerUpdate,
        "cpu_us_per_frame" => ServerCpuMicrosPerFrame,
        "client_cpu" => ClientCpuPercent,
        "replay_runs" => ReplayRuns,
        "replay_tps" => ReplayTicksPerSecond,
        "replay_errors" => ReplayErrors,
        "reconnect_all_live_s" => Reconnect is { AllLiveSeconds: var s } && !double.IsNaN(s) ? s : null,
        "reconnect_not_live" => Reconnect is { } rc ? rc.Clients - rc.Live : null,
        "recovered_share" => Reconnect is { ResumedSymbols: > 0 } rs ? rs.RecoveredSymbols / (double)rs.ResumedSymbols : null,
        "reconnect_cpu_s" => Reconnect?.ServerCpuSeconds,
        _ => null,
    };

    /// <summary>Connections closed by the server (close codes other than 1000, including aborts).</summary>
    public long DropCount
    {
        get
        {
            long n = 0;
            foreach (var (code, count) in CloseCodes)
            {
                n += code == 1000 ? 0 : count;
            }

            return n;
        }
    }

    /// <summary>Value at a percentile in ms, or null when empty.</summary>
    public static double? Ms(HistogramBase h, double percentile) => h.TotalCount == 0 ? null : h.GetValueAtPercentile(percentile) / 1000.0;
}
