namespace MarketFeed.LoadTests.Thresholds;

/// <summary>Metric names that thresholds and reports use.</summary>
public static class Metrics
{
    /// <summary>Known names: fast clients' latency percentiles in ms (p50..max, mean); connect/ack/ready p99 in ms;
    /// delivered updates/s; bytes/s; per-client updates/s (client_min/mean/max); errors (failed clients);
    /// gaps; drops (server closes); server_mem_mb (peak RSS); mem_per_conn_kb and heap_per_conn_kb;
    /// server_cpu and client_cpu (mean % of one core); cpu_us_per_update and cpu_us_per_frame (server CPU
    /// microseconds per delivered update / frame, from /proc over the measured window); replay burst: replay_runs (finished replays),
    /// replay_tps (replayed ticks/s, all replay clients) and replay_errors (replays not completed with
    /// every sent tick received, plus replay clients whose first replay never started); mass reconnect:
    /// reconnect_all_live_s (first reconnect to the last client live again), reconnect_not_live (clients
    /// never live again), recovered_share (recovered / resumed symbols), reconnect_cpu_s (server CPU
    /// seconds in that window).</summary>
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
    {
        "p50", "p75", "p95", "p99", "p99.9", "max", "mean",
        "connect_p99", "ack_p99", "ready_p99",
        "delivered", "bytes", "client_min", "client_mean", "client_max",
        "errors", "gaps", "drops",
        "server_mem_mb", "mem_per_conn_kb", "heap_per_conn_kb", "server_cpu", "client_cpu", "cpu_us_per_update", "cpu_us_per_frame",
        "replay_runs", "replay_tps", "replay_errors",
        "reconnect_all_live_s", "reconnect_not_live", "recovered_share", "reconnect_cpu_s",
    };
}
