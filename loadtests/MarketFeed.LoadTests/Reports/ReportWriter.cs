using System.Globalization;
using System.Net;
using System.Text;
using HdrHistogram;
using MarketFeed.LoadTests.Running;

namespace MarketFeed.LoadTests.Reports;

/// <summary>
/// Writes a run folder: <c>report.md</c>, <c>report.html</c> (with the PNG charts), <c>summary.csv</c>,
/// <c>timeseries.csv</c>, and HdrHistogram percentile distributions (<c>*.hgrm</c>, values in ms).
/// </summary>
public static class ReportWriter
{
    /// <summary>Writes every report file for <paramref name="runs"/> into <paramref name="folder"/>.</summary>
    public static void Write(string folder, string title, string commandLine, IReadOnlyList<RunResult> runs, IReadOnlyList<string> notes)
    {
        Directory.CreateDirectory(folder);
        var histograms = WriteHistograms(folder, runs);
        List<string> charts;
        string? chartError = null;
        try
        {
            charts = ChartRenderer.Render(folder, runs);
        }
        catch (Exception ex) when (ex is TypeInitializationException or DllNotFoundException or InvalidOperationException)
        {
            charts = [];
            chartError = $"charts not rendered: {ex.Message}";
        }

        var table = SummaryTable.Build(runs);
        File.WriteAllText(Path.Combine(folder, "summary.csv"), Csv(table, runs));
        File.WriteAllText(Path.Combine(folder, "timeseries.csv"), TimeSeries(runs));
        File.WriteAllText(Path.Combine(folder, "report.md"), Markdown(title, commandLine, table, runs, charts, histograms, notes, chartError));
        File.WriteAllText(Path.Combine(folder, "report.html"), Html(title, commandLine, table, runs, charts, histograms, notes, chartError));
    }

    private static List<string> WriteHistograms(string folder, IReadOnlyList<RunResult> runs)
    {
        var files = new List<string>();
        foreach (var run in runs)
        {
            string stem = run.Label.Replace('/', '-');
            foreach (var (kind, h) in new (string, HistogramBase)[]
            {
                ("latency", run.FastLatency), ("latency-slow", run.SlowLatency), ("connect", run.ConnectLatency), ("ack", run.AckLatency), ("replay-duration", run.ReplayDuration),
            })
            {
                if (h.TotalCount == 0)
                {
                    continue;
                }

                string file = $"{stem}.{kind}.hgrm";
                using var writer = new StreamWriter(Path.Combine(folder, file));
                // Recorded in microseconds; written in milliseconds.
                h.OutputPercentileDistribution(writer, 5, 1000.0, false);
                files.Add(file);
            }
        }

        return files;
    }

    private static string Csv(List<(string Metric, string[] Values)> table, IReadOnlyList<RunResult> runs)
    {
        var sb = new StringBuilder();
        sb.Append("metric");
        foreach (var r in runs)
        {
            sb.Append(',').Append(Quote(r.Label));
        }

        sb.Append('\n');
        foreach (var (metric, values) in table)
        {
            sb.Append(Quote(metric));
            foreach (string v in values)
            {
                sb.Append(',').Append(Quote(v));
            }

            sb.Append('\n');
        }

        return sb.ToString();

        static string Quote(string s) => "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    private static string TimeSeries(IReadOnlyList<RunResult> runs)
    {
        var sb = new StringBuilder("run,t_s,warmup,connections,updates_per_s,bytes_per_s,p50_ms,p99_ms,max_ms,server_rss_mb,server_heap_mb,server_cpu_pct,loadgen_cpu_pct,errors,gaps,drops\n");
        foreach (var r in runs)
        {
            foreach (var s in r.Samples)
            {
                sb.Append(CultureInfo.InvariantCulture, $"{r.Label},{s.T:0.###},{(s.Warmup ? 1 : 0)},{s.Connections},{s.UpdatesPerSecond:0},{s.BytesPerSecond:0},{s.P50Ms:0.###},{s.P99Ms:0.###},{s.MaxMs:0.###},{s.ServerMemoryMb:0.#},{s.ServerHeapMb:0.#},{s.ServerCpuPercent:0.#},{s.ClientCpuPercent:0.#},{s.Errors},{s.Gaps},{s.Drops}\n");
            }
        }

        return sb.ToString();
    }

    private static string Markdown(string title, string commandLine, List<(string Metric, string[] Values)> table, IReadOnlyList<RunResult> runs, List<string> charts, List<string> histograms, IReadOnlyList<string> notes, string? chartError)
    {
        var sb = new StringBuilder();
        sb.Append("# ").Append(title).Append("\n\n");
        sb.Append("Command: `").Append(commandLine).Append("`\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}; load generator and server on the same host.\n\n");
        foreach (var r in runs)
        {
            sb.Append("- **").Append(r.Label).Append("**: ").Append(r.Description).Append("; load: `").Append(r.Load).Append("`\n");
        }

        sb.Append("\n| metric |");
        foreach (var r in runs)
        {
            sb.Append(' ').Append(r.Label).Append(" |");
        }

        sb.Append("\n|---|");
        foreach (var _ in runs)
        {
            sb.Append("---:|");
        }

        sb.Append('\n');
        foreach (var (metric, values) in table)
        {
            sb.Append("| ").Append(metric).Append(" |");
            foreach (string v in values)
            {
                sb.Append(' ').Append(v).Append(" |");
            }

            sb.Append('\n');
        }

        AppendThresholds(sb, runs);
        AppendErrors(sb, runs);
        if (notes.Count > 0)
        {
            sb.Append("\n## Notes\n\n");
            foreach (string n in notes)
            {
                sb.Append("- ").Append(n).Append('\n');
            }
        }

        sb.Append("\n## Charts\n\n");
        if (chartError is not null)
        {
            sb.Append(chartError).Append("\n\n");
        }

        foreach (string c in charts)
        {
            sb.Append("![").Append(c).Append("](").Append(c).Append(")\n\n");
        }

        sb.Append("## Files\n\n- `summary.csv`, `timeseries.csv`\n");
        foreach (string h in histograms)
        {
            sb.Append("- `").Append(h).Append("` (HdrHistogram percentile distribution, ms)\n");
        }

        return sb.ToString();
    }

    private static void AppendThresholds(StringBuilder sb, IReadOnlyList<RunResult> runs)
    {
        bool any = false;
        foreach (var r in runs)
        {
            foreach (var t in r.Thresholds)
            {
                if (!any)
                {
                    sb.Append("\n## Thresholds\n\n| run | rule | actual | result |\n|---|---|---:|---|\n");
                    any = true;
                }

                string actual = t.Actual is { } a ? a.ToString("0.###", CultureInfo.InvariantCulture) : "n/a";
                string verdict = t.Passed ? "pass" : t.BreachedAtSeconds is { } at ? $"FAIL (first breached at {at:0}s)" : "FAIL";
                sb.Append(CultureInfo.InvariantCulture, $"| {r.Label} | `{t.Threshold}` | {actual} | {verdict} |\n");
            }
        }
    }

    private static void AppendErrors(StringBuilder sb, IReadOnlyList<RunResult> runs)
    {
        foreach (var r in runs)
        {
            if (r.ErrorSamples.Count == 0)
            {
                continue;
            }

            sb.Append("\n### Client errors: ").Append(r.Label).Append("\n\n");
            foreach (string e in r.ErrorSamples)
            {
                sb.Append("- ").Append(e).Append('\n');
            }
        }
    }

    private static string Html(string title, string commandLine, List<(string Metric, string[] Values)> table, IReadOnlyList<RunResult> runs, List<string> charts, List<string> histograms, IReadOnlyList<string> notes, string? chartError)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title><style>")
          .Append("body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}td.v{text-align:right;font-family:monospace}.fail{color:#b00}.pass{color:#070}img{max-width:100%}")
          .Append("</style></head><body><h1>").Append(E(title)).Append("</h1><p>Command: <code>").Append(E(commandLine)).Append("</code></p>");
        sb.Append("<ul>");
        foreach (var r in runs)
        {
            sb.Append("<li><b>").Append(E(r.Label)).Append("</b>: ").Append(E(r.Description)).Append("; load: <code>").Append(E(r.Load)).Append("</code></li>");
        }

        sb.Append("</ul><table><tr><th>metric</th>");
        foreach (var r in runs)
        {
            sb.Append("<th>").Append(E(r.Label)).Append("</th>");
        }

        sb.Append("</tr>");
        foreach (var (metric, values) in table)
        {
            sb.Append("<tr><td>").Append(E(metric)).Append("</td>");
            foreach (string v in values)
            {
                string cls = v.StartsWith("FAIL", StringComparison.Ordinal) || v.StartsWith("STOPPED", StringComparison.Ordinal) ? "v fail" : v == "pass" ? "v pass" : "v";
                sb.Append("<td class=\"").Append(cls).Append("\">").Append(E(v)).Append("</td>");
            }

            sb.Append("</tr>");
        }

        sb.Append("</table>");
        var thresholds = new StringBuilder();
        AppendThresholds(thresholds, runs);
        AppendErrors(thresholds, runs);
        if (thresholds.Length > 0)
        {
            sb.Append("<pre>").Append(E(thresholds.ToString())).Append("</pre>");
        }

        foreach (string n in notes)
        {
            sb.Append("<p>").Append(E(n)).Append("</p>");
        }

        if (chartError is not null)
        {
            sb.Append("<p>").Append(E(chartError)).Append("</p>");
        }

        foreach (string c in charts)
        {
            sb.Append("<h3>").Append(E(c)).Append("</h3><img src=\"").Append(E(c)).Append("\">");
        }

        sb.Append("<h3>Histograms</h3><ul>");
        foreach (string h in histograms)
        {
            sb.Append("<li><a href=\"").Append(E(h)).Append("\">").Append(E(h)).Append("</a></li>");
        }

        sb.Append("</ul></body></html>");
        return sb.ToString();
    }
}
