using System.CommandLine;
using System.Globalization;
using MarketFeed.Cli.Output;
using MarketFeed.Core;
using MarketFeed.Sources.TickLog;
using Spectre.Console;

namespace MarketFeed.Cli.Commands;

/// <summary>
/// <c>marketfeed inspect FILE.mflog</c>: read a whole tick log (checksums verified) and print symbols, counts, time
/// range, volume, blocks and any damage. Exit code 0 if intact, 3 if damage was found, 4 if unreadable.
/// </summary>
internal static class InspectCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "Tick log files (*.mflog)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("inspect", "Summarise tick logs: symbols, counts, time range, volume, blocks, damage (exit 3 if damaged)") { files };
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult.GetValue(files)!, cancellationToken));
        return command;
    }

    /// <summary>Prints the per-symbol table of a summary.</summary>
    public static void PrintSymbols(TickLogSummary summary)
    {
        var inv = CultureInfo.InvariantCulture;
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumns("Symbol", "Ticks", "Quotes", "Trades", "Volume", "First (UTC)", "Last (UTC)", "Seq", "Scales", "Flagged");
        foreach (var s in summary.Symbols)
        {
            table.AddRow(
                Markup.Escape(s.Symbol.Name),
                s.Ticks.ToString("N0", inv),
                s.Quotes.ToString("N0", inv),
                s.Trades.ToString("N0", inv),
                FixedPoint.Format(s.Volume, s.Symbol.SizeDecimals),
                s.Ticks == 0 ? "-" : UnixTime.Format(s.FirstTimestamp),
                s.Ticks == 0 ? "-" : UnixTime.Format(s.LastTimestamp),
                s.Ticks == 0 ? "-" : string.Create(inv, $"{s.FirstSequence}..{s.LastSequence}") + (s.SequenceGaps > 0 ? string.Create(inv, $" [yellow]({s.SequenceGaps} gaps)[/]") : string.Empty),
                string.Create(inv, $"{s.Symbol.PriceDecimals}/{s.Symbol.SizeDecimals}"),
                Flagged(s));
        }

        AnsiConsole.Write(table);
        long suspicious = 0;
        long sizeUnknown = 0;
        foreach (var s in summary.Symbols)
        {
            suspicious += s.Suspicious;
            sizeUnknown += s.SizeUnknown;
        }

        if (suspicious > 0)
        {
            AnsiConsole.MarkupLine(string.Create(inv, $"[yellow]{suspicious:N0} tick(s) flagged suspicious by the vendor[/] (kept, with flag bit 0 on the wire; import with --skip-suspicious to drop them)"));
        }

        if (sizeUnknown > 0)
        {
            AnsiConsole.MarkupLine(string.Create(inv, $"{sizeUnknown:N0} tick(s) without sizes (the source gives none): size 0 means unknown, flag bit 1 on the wire"));
        }
    }

    private static string Flagged(TickLogSymbolSummary s)
    {
        var inv = CultureInfo.InvariantCulture;
        if (s.Suspicious == 0 && s.SizeUnknown == 0)
        {
            return "-";
        }

        string text = s.Suspicious > 0 ? string.Create(inv, $"[yellow]{s.Suspicious:N0} suspicious[/]") : string.Empty;
        if (s.SizeUnknown > 0)
        {
            text += (text.Length > 0 ? ", " : string.Empty) + string.Create(inv, $"{s.SizeUnknown:N0} size unknown");
        }

        return text;
    }

    private static async Task<int> RunAsync(string[] files, CancellationToken cancellationToken)
    {
        ConsoleWidth.AvoidWrapping();
        int exit = ExitCodes.Success;
        foreach (string file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int code = await InspectOneAsync(file, cancellationToken);
            exit = Math.Max(exit, code);
        }

        return exit;
    }

    private static async Task<int> InspectOneAsync(string file, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
        {
            CommonOptions.Error($"not found: {file}");
            return ExitCodes.Failed;
        }

        TickLogSummary summary;
        try
        {
            summary = await ProgressBars.RunAsync("inspect " + Path.GetFileName(file), _ => Task.Run(() => TickLogInspector.Inspect(file), cancellationToken));
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            CommonOptions.Error($"{file}: unreadable tick log: {ex.Message}");
            return ExitCodes.Failed;
        }

        Print(summary);
        // Unclosed (index rebuilt by scan: a writer died or is still writing) is not intact: exit 3, as docs/replay.md says.
        return summary.IsIntact && summary.IsClosed ? ExitCodes.Success : ExitCodes.Damaged;
    }

    private static void Print(TickLogSummary s)
    {
        var inv = CultureInfo.InvariantCulture;
        var head = new Table().Border(TableBorder.Simple).HideHeaders();
        head.AddColumns("what", "value");
        head.AddRow("file", Markup.Escape(s.Path));
        head.AddRow("dataset", Markup.Escape(Path.GetFileNameWithoutExtension(s.Path)));
        head.AddRow("size", s.FileLength.ToString("N0", inv) + " bytes");
        head.AddRow("source", Markup.Escape(s.Source.Length == 0 ? "-" : s.Source));
        head.AddRow("symbols", s.Symbols.Count.ToString(inv));
        head.AddRow("ticks", s.Ticks.ToString("N0", inv));
        head.AddRow("time range", s.Ticks == 0 ? "-" : $"{UnixTime.Format(s.FirstTimestamp)} .. {UnixTime.Format(s.LastTimestamp)}");
        head.AddRow("blocks", string.Create(inv, $"{s.Blocks:N0}") + (s.CorruptBlocks > 0 ? string.Create(inv, $" ([red]{s.CorruptBlocks} corrupt[/])") : " (0 corrupt)"));
        head.AddRow("index", s.HasFooterIndex ? "footer (closed cleanly)" : "[yellow]rebuilt by scan (not closed cleanly)[/]");
        head.AddRow("status", s.State switch
        {
            "intact" => "[green]intact[/]",
            "unclosed" => "[yellow]UNCLOSED[/]: not closed cleanly (recording in progress or its writer was killed); every block found is intact; ticks not yet flushed by the writer are not in the file",
            _ => string.Create(inv, $"[red]DAMAGED: {s.Damage.Count} problem(s)[/]"),
        });
        AnsiConsole.Write(head);
        PrintSymbols(s);
        if (s.Damage.Count > 0)
        {
            var damage = new Table().Border(TableBorder.Simple);
            damage.AddColumns("Damage", "Offset", "Length", "Description");
            foreach (var d in s.Damage)
            {
                damage.AddRow(
                    d.Kind.ToString(),
                    d.Offset.ToString(inv),
                    d.Length.ToString("N0", inv),
                    Markup.Escape(d.Description));
            }

            AnsiConsole.Write(damage);
            foreach (var d in s.Damage)
            {
                // Plain lines too, so scripts can grep them.
                AnsiConsole.WriteLine("DAMAGE " + d);
            }
        }
    }
}
