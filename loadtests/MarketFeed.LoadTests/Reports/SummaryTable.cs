using HdrHistogram;
using System.Globalization;
using MarketFeed.LoadTests.Running;

namespace MarketFeed.LoadTests.Reports;

/// <summary>The side-by-side summary (one column per run) shared by the Markdown, HTML and CSV reports.</summary>
public static class SummaryTable
{
    /// <summary>Rows of (metric, value per run).</summary>
    public static List<(string Metric, string[] Values)> Build(IReadOnlyList<RunResult> runs)
    {
        var rows = new List<(string, string[])>();
        void Row(string name, Func<RunResult, string> f)
        {
            var values = new string[runs.Count];
            for (int i = 0; i < runs.Count; i++)
            {
                values[i] = f(runs[i]);
            }

            rows.Add((name, values));
        }

        Row("tick rate (ticks/s)", r => r.TickRate == 0 ? "max" : N(r.TickRate));
        Row("peak connections", r => N(r.PeakConnections));
        Row("measured (s)", r => F(r.MeasuredSeconds, "0.0"));
        Row("delivered updates/s", r => N(r.DeliveredPerSecond));
        Row("delivered MB/s", r => r.Bytes > 0 ? F(r.BytesPerSecond / 1048576, "0.00") : "n/a");
        Row("per client updates/s min/mean/max", r => $"{N(r.PerClient.Min)} / {N(r.PerClient.Mean)} / {N(r.PerClient.Max)}");
        foreach (var (label, p) in new[] { ("p50", 50.0), ("p75", 75.0), ("p95", 95.0), ("p99", 99.0), ("p99.9", 99.9) })
        {
            Row($"latency {label} (ms)", r => Ms(RunResult.Ms(r.FastLatency, p)));
        }

        Row("latency max (ms)", r => Ms(r.Metric("max")));
        Row("slow readers p99 (ms)", r => Ms(RunResult.Ms(r.SlowLatency, 99)));
        Row("connect p50/p99 (ms)", r => $"{Ms(RunResult.Ms(r.ConnectLatency, 50))} / {Ms(RunResult.Ms(r.ConnectLatency, 99))}");
        Row("subscribe-ack p50/p99 (ms)", r => $"{Ms(RunResult.Ms(r.AckLatency, 50))} / {Ms(RunResult.Ms(r.AckLatency, 99))}");
        Row("replay clients / finished replays / ticks / errors", r => r.ReplayClients == 0 ? "-" : $"{r.ReplayClients} / {N(r.ReplayRuns)} / {N(r.ReplayTicks)} / {r.ReplayErrors}");
        Row("replayed ticks/s total", r => r.ReplayClients == 0 ? "-" : N(r.ReplayTicksPerSecond));
        Row("replayed ticks/s per client min/mean/max", r => r.ReplayClients == 0 ? "-" : $"{N(r.ReplayPerClient.Min)} / {N(r.ReplayPerClient.Mean)} / {N(r.ReplayPerClient.Max)}");
        Row("replay duration min/mean/max (ms)", r => r.ReplayDuration.TotalCount == 0 ? "-"
            : $"{Ms(r.ReplayDuration.GetValueAtPercentile(0) / 1000.0)} / {Ms(r.ReplayDuration.GetMean() / 1000.0)} / {Ms(r.ReplayDuration.GetMaxValue() / 1000.0)}");
        Row("reconnect: clients / live again / all live after (s)", r => r.Reconnect is not { } rc ? "-" : $"{N(rc.Clients)} / {N(rc.Live)} / {F(rc.AllLiveSeconds, "0.00")}");
        Row("reconnect: to live p50/p99 (ms)", r => r.Reconnect is not { } rc || rc.ToLive.TotalCount == 0 ? "-" : $"{Ms(RunResult.Ms(rc.ToLive, 50))} / {Ms(RunResult.Ms(rc.ToLive, 99))}");
        Row("reconnect: symbols recovered / resumed", r => r.Reconnect is not { } rc ? "-" : $"{N(rc.RecoveredSymbols)} / {N(rc.ResumedSymbols)}");
        Row("reconnect: server CPU in the window (s)", r => r.Reconnect is not { } rc ? "-" : F(rc.ServerCpuSeconds, "0.00"));
        Row("errors / gaps / server errors", r => $"{r.Errors} / {r.Gaps} / {r.ServerErrors}");
        Row("close codes", r => r.CloseCodes.Count == 0 ? "-" : string.Join(", ", r.CloseCodes.Select(kv => $"{kv.Key}x{kv.Value}")));
        Row("server RSS before/peak/end (MB)", r => $"{F(r.ServerMemoryBeforeMb, "0")} / {F(r.ServerMemoryPeakMb, "0")} / {F(r.ServerMemoryEndMb, "0")}");
        Row("server RSS per connection (KB)", r => F(r.MemoryPerConnectionKb, "0.0"));
        Row("server heap per connection (KB)", r => F(r.HeapPerConnectionKb, "0.0"));
        Row("server CPU (% of a core)", r => F(r.ServerCpuPercent, "0"));
        Row("server CPU per update (us)", r => F(r.ServerCpuMicrosPerUpdate, "0.000"));
        Row("server CPU per frame (us)", r => F(r.ServerCpuMicrosPerFrame, "0.0"));
        Row("load generator CPU (% of a core)", r => F(r.ClientCpuPercent, "0"));
        Row("stallers: dropped / delay (s) / client close codes", r => r.Stallers is { } s
            ? $"{s.DroppedByServer}/{s.Count} / {(s.DropDelaysSeconds.Count > 0 ? $"{s.DropDelaysSeconds.Min():0}-{s.DropDelaysSeconds.Max():0}" : "-")} / {string.Join(", ", s.ClientCloseCodes.Select(kv => $"{kv.Key}x{kv.Value}"))}"
            : "-");
        Row("host load avg (1 min) start/end", r => $"{F(r.HostLoad.Start, "0.0")} / {F(r.HostLoad.End, "0.0")}");
        Row("result", r => r.StoppedOnFailures ? "STOPPED (failures)" : r.Passed ? "pass" : "FAIL (threshold)");
        return rows;
    }

    /// <summary>Formats a number with thousands separators.</summary>
    public static string N(double v) => double.IsNaN(v) ? "-" : v.ToString("N0", CultureInfo.InvariantCulture);

    private static string F(double v, string format) => double.IsNaN(v) || double.IsInfinity(v) ? "-" : v.ToString(format, CultureInfo.InvariantCulture);

    private static string Ms(double? v) => v is { } d ? d.ToString(d < 10 ? "0.000" : "0.0", CultureInfo.InvariantCulture) : "-";
}
