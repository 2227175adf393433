using MarketFeed.LoadTests.Measurements;
using MarketFeed.LoadTests.Running;

namespace MarketFeed.LoadTests.Reports;

/// <summary>Renders the time-series charts (ScottPlot PNGs), one line per run.</summary>
public static class ChartRenderer
{
    /// <summary>Charts: file name, title, y label, value selector.</summary>
    public static readonly IReadOnlyList<(string File, string Title, string YLabel, Func<Sample, double> Value)> Charts =
    [
        ("latency-p99.png", "End-to-end latency p99 (fast clients, per second)", "ms", s => s.P99Ms),
        ("latency-p50.png", "End-to-end latency p50 (fast clients, per second)", "ms", s => s.P50Ms),
        ("throughput.png", "Delivered updates per second", "updates/s", s => s.UpdatesPerSecond),
        ("connections.png", "Open connections", "connections", s => s.Connections),
        ("server-memory.png", "Server resident memory", "MB", s => s.ServerMemoryMb),
        ("cpu.png", "Server CPU (solid) and load generator CPU (dashed)", "% of one core", s => s.ServerCpuPercent),
    ];

    /// <summary>Writes every chart into <paramref name="folder"/>; returns the files written.</summary>
    public static List<string> Render(string folder, IReadOnlyList<RunResult> runs)
    {
        var written = new List<string>();
        foreach (var (file, title, yLabel, value) in Charts)
        {
            using var plot = new ScottPlot.Plot();
            foreach (var run in runs)
            {
                Add(plot, run, run.Label, value, dashed: false);
                if (file == "cpu.png")
                {
                    Add(plot, run, run.Label + " (load gen)", s => s.ClientCpuPercent, dashed: true);
                }
            }

            plot.Title(title);
            plot.XLabel("run time (s)");
            plot.YLabel(yLabel);
            plot.ShowLegend();
            string path = Path.Combine(folder, file);
            plot.SavePng(path, 900, 420);
            written.Add(file);
        }

        return written;
    }

    private static void Add(ScottPlot.Plot plot, RunResult run, string label, Func<Sample, double> value, bool dashed)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        foreach (var s in run.Samples)
        {
            double v = value(s);
            if (!double.IsNaN(v) && !double.IsInfinity(v))
            {
                xs.Add(s.T);
                ys.Add(v);
            }
        }

        if (xs.Count == 0)
        {
            return;
        }

        var scatter = plot.Add.Scatter(xs.ToArray(), ys.ToArray());
        scatter.LegendText = label;
        scatter.MarkerSize = 0;
        scatter.LineWidth = 2;
        if (dashed)
        {
            scatter.LinePattern = ScottPlot.LinePattern.Dashed;
        }
    }
}
