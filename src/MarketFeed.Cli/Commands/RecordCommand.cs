using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MarketFeed.Cli.Output;
using MarketFeed.Client;
using MarketFeed.Core;
using Spectre.Console;

namespace MarketFeed.Cli.Commands;

/// <summary>
/// <c>marketfeed record</c>: subscribe in full mode and write every quote and trade that arrives to a tick log (a
/// dataset for tomorrow's replay). Original timestamps and sequence numbers are kept; symbol names and scales come
/// from the subscribe ack. Flushed every second and closed cleanly on Ctrl+C, a count or a duration.
/// </summary>
internal static class RecordCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var url = CommonOptions.Url();
        var symbols = new Argument<string[]>("symbols") { Description = "Symbols to record (e.g. AAPL MSFT)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output", "-o")
        {
            Description = "A FILE.mflog (or FILE.csv), or a directory for record-yyyyMMdd-HHmmss.mflog (default: data, the server's data directory)",
            DefaultValueFactory = _ => "data",
        };
        var duration = CommonOptions.Duration("--duration", "Stop after this long");
        var count = new Option<long?>("--count", "-n") { Description = "Stop after this many quotes/trades" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress display" };
        var command = new Command("record", "Record the live feed (full mode) into a tick log for later replay") { symbols, url, output, duration, count, quiet };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            parseResult.GetValue(url)!,
            parseResult.GetValue(symbols)!,
            parseResult.GetValue(output)!,
            parseResult.GetValue(duration),
            parseResult.GetValue(count),
            parseResult.GetValue(quiet),
            cancellationToken));
        return command;
    }

    /// <summary>The file to write for <paramref name="output"/>: itself if it names a .mflog/.csv file, else a timestamped log in that directory.</summary>
    internal static string ResolveOutput(string output, DateTimeOffset now) =>
        output.EndsWith(".mflog", StringComparison.OrdinalIgnoreCase) || output.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)
            ? output
            : Path.Combine(output, "record-" + now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + ".mflog");

    private static async Task<int> RunAsync(Uri url, string[] symbols, string output, TimeSpan? duration, long? count, bool quiet, CancellationToken cancellationToken)
    {
        ConsoleWidth.AvoidWrapping();
        await using var client = new MarketFeedClient(CommonOptions.ClientOptions(url, autoReconnect: true));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var (ack, exitCode) = await CommonOptions.ConnectAndSubscribeAsync(client, symbols, DeliveryMode.Full, 0, stop);
        if (ack is null)
        {
            return exitCode;
        }

        string path = ResolveOutput(output, DateTimeOffset.UtcNow);
        IUpdateSink sink;
        try
        {
            sink = path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)
                ? new CsvUpdateSink(path)
                : new TickLogSink(path, ack.Symbols, $"record {url} {string.Join(' ', ack.Symbols.Select(s => s.Symbol))}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            CommonOptions.Error($"cannot write {path}: {ex.Message}");
            return ExitCodes.Failed;
        }

        AnsiConsole.MarkupLine($"[green]recording[/] {Markup.Escape(string.Join(", ", ack.Symbols.Select(s => s.Symbol)))} (full mode) -> {Markup.Escape(path)}; Ctrl+C to stop");
        if (duration is { } d)
        {
            stop.CancelAfter(d);
        }

        long started = Stopwatch.GetTimestamp();
        var loop = new RecordLoop(client, sink, count, duration);
        int exit;
        try
        {
            exit = quiet
                ? await loop.RunAsync(static _ => { }, stop.Token)
                : await ProgressBars.RunAsync("record " + Path.GetFileName(path), report => loop.RunAsync(report, stop.Token));
        }
        finally
        {
            // Writes the last block and the footer: the log is complete and replayable.
            sink.Dispose();
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        string gaps = loop.Gaps > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({loop.Gaps} sequence gaps detected)") : string.Empty;
        AnsiConsole.WriteLine(string.Create(CultureInfo.InvariantCulture, $"recorded {sink.Written:N0} ticks in {elapsed.TotalSeconds:F1} s to {path}{gaps}"));
        return exit;
    }
}
