using MarketFeed.LoadTests.Measurements;
using MarketFeed.LoadTests.Running;
using Spectre.Console;

namespace MarketFeed.LoadTests.Console;

/// <summary>Live Spectre.Console table (interactive terminals only; see <see cref="LiveConsole"/>).</summary>
public sealed class SpectreLiveSink : ILiveSink
{
    private readonly Table _table;
    private LiveDisplayContext? _context;

    /// <summary>Creates the sink over a table that a live display renders.</summary>
    public SpectreLiveSink(Table table) => _table = table;

    /// <summary>Attaches the live display context (refresh after each update).</summary>
    public void Attach(LiveDisplayContext context) => _context = context;

    /// <inheritdoc />
    public void Update(RunResult run, Sample sample, string phase)
    {
        _table.Rows.Clear();
        _table.Title = new TableTitle($"[bold]{Markup.Escape(run.Label)}[/] t={sample.T:0}s ({phase})");
        Row("connections", sample.Connections.ToString("N0"));
        Row("delivered updates/s", sample.UpdatesPerSecond.ToString("N0"));
        Row("bytes/s", FormatBytes(sample.BytesPerSecond));
        Row("latency p50 / p99 / max (interval)", $"{sample.P50Ms:0.00} / {sample.P99Ms:0.00} / {sample.MaxMs:0.00} ms");
        Row("latency p99 (since warm-up)", RunResult.Ms(run.FastLatency, 99) is { } p ? $"{p:0.00} ms" : "-");
        Row("server memory / CPU", $"{sample.ServerMemoryMb:0} MB / {sample.ServerCpuPercent:0}%");
        Row("load generator CPU", $"{sample.ClientCpuPercent:0}%");
        Row("errors / gaps / drops", $"{sample.Errors} / {sample.Gaps} / {sample.Drops}");
        _context?.Refresh();
    }

    private void Row(string name, string value) => _table.AddRow(Markup.Escape(name), Markup.Escape(value));

    private static string FormatBytes(double b) => b >= 1048576 ? $"{b / 1048576:0.0} MB/s" : $"{b / 1024:0.0} KB/s";
}
