using System.CommandLine;
using System.Globalization;
using MarketFeed.Cli.Output;
using MarketFeed.Core;
using MarketFeed.Sources.Import;
using MarketFeed.Sources.TickLog;
using Spectre.Console;

namespace MarketFeed.Cli.Commands;

/// <summary><c>marketfeed import</c>: convert vendor files (Lean/AlgoSeek, Tardis, any CSV with a mapping) into a tick log (dataset).</summary>
internal static class ImportCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Input files (Lean zips or CSVs, Tardis CSVs, generic CSVs); merged in time order", Arity = ArgumentArity.OneOrMore };
        var format = new Option<string>("--format", "-f") { Description = "Input format: lean (AlgoSeek tick zips), tardis (Tardis CSV) or csv (generic, needs --mapping)", Required = true };
        format.AcceptOnlyFromAmong("lean", "tardis", "csv");
        var output = new Option<string>("--output", "-o") { Description = "Tick log to write, e.g. data/ibm-20131007.mflog (the file name is the dataset name)", Required = true };
        var mapping = new Option<string?>("--mapping") { Description = "csv: column mapping JSON file (docs/import.md)" };
        var symbol = new Option<string?>("--symbol") { Description = "lean: symbol name (default from the zip entry name); csv: symbol of every row when the mapping has no symbol column" };
        var onBadRow = new Option<string>("--on-bad-row") { Description = "skip (count and list bad rows) or abort (stop at the first, exit code 4)", DefaultValueFactory = _ => "skip" };
        onBadRow.AcceptOnlyFromAmong("skip", "abort");
        var skipSuspicious = new Option<bool>("--skip-suspicious") { Description = "lean: drop rows flagged Suspicious=1 (default: keep them, flagged)" };
        var timeZone = new Option<string?>("--time-zone") { Description = "lean: time zone of the ms-since-midnight times (default America/New_York)" };
        var priceDecimals = new Option<int?>("--price-decimals") { Description = "tardis/csv: fixed-point price decimals for every symbol (default: tardis detects, csv from the mapping)" };
        var sizeDecimals = new Option<int?>("--size-decimals") { Description = "tardis/csv: fixed-point size decimals for every symbol" };
        var maxErrors = new Option<int>("--max-errors") { Description = "Bad rows listed in detail (all are counted)", DefaultValueFactory = _ => 20 };
        var blockTicks = new Option<int>("--block-ticks") { Description = "Ticks per tick-log block", DefaultValueFactory = _ => 4096 };
        var maxBadRows = new Option<string>("--max-bad-rows") { Description = "Largest share of bad rows accepted, e.g. 0.1% (default), 5%, 0.02 or 1 (any); above it nothing is written (exit 4)", DefaultValueFactory = _ => "0.1%" };
        var allowDuplicates = new Option<bool>("--allow-duplicate-inputs") { Description = "Accept the same input twice (same path or content) and merge it twice on purpose" };
        var force = new Option<bool>("--force") { Description = "Replace an existing dataset even if it holds more ticks than the new import" };

        var command = new Command("import", "Import vendor tick files into a tick log (a replayable dataset)")
        {
            inputs, format, output, mapping, symbol, onBadRow, skipSuspicious, timeZone, priceDecimals, sizeDecimals, maxErrors, blockTicks, maxBadRows, allowDuplicates, force,
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            new Settings(
                parseResult.GetValue(format)!,
                parseResult.GetValue(inputs)!,
                parseResult.GetValue(output)!,
                parseResult.GetValue(mapping),
                parseResult.GetValue(symbol),
                parseResult.GetValue(onBadRow) == "abort" ? ImportErrorPolicy.Abort : ImportErrorPolicy.Skip,
                parseResult.GetValue(skipSuspicious),
                parseResult.GetValue(timeZone),
                parseResult.GetValue(priceDecimals),
                parseResult.GetValue(sizeDecimals),
                Math.Max(0, parseResult.GetValue(maxErrors)),
                Math.Max(1, parseResult.GetValue(blockTicks)),
                parseResult.GetValue(maxBadRows)!,
                parseResult.GetValue(allowDuplicates),
                parseResult.GetValue(force)),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(Settings s, CancellationToken cancellationToken)
    {
        ConsoleWidth.AvoidWrapping();
        if (!TryParseFraction(s.MaxBadRows, out double maxBadRowFraction))
        {
            CommonOptions.Error($"--max-bad-rows: '{s.MaxBadRows}' is not a share; use a percentage (0.1%, 5%) or a fraction from 0 to 1 (0.02)");
            return ExitCodes.Usage;
        }

        s = s with { MaxBadRowFraction = maxBadRowFraction };
        foreach (string input in s.Inputs)
        {
            if (!File.Exists(input))
            {
                CommonOptions.Error($"input not found: {input}");
                return ExitCodes.Failed;
            }
        }

        ImportFormat format;
        GenericCsvMapping? mapping = null;
        try
        {
            format = s.Format switch
            {
                "lean" => ImportFormat.Lean,
                "tardis" => ImportFormat.Tardis,
                _ => ImportFormat.Csv,
            };
            if (format == ImportFormat.Csv)
            {
                if (s.Mapping is null)
                {
                    CommonOptions.Error("--format csv needs --mapping FILE.json (column mapping, see docs/import.md)");
                    return ExitCodes.Usage;
                }

                mapping = GenericCsvMapping.Load(s.Mapping);
                if (s.Symbol is not null)
                {
                    mapping.DefaultSymbol = s.Symbol;
                }

                if (s.PriceDecimals is { } pd)
                {
                    mapping.PriceDecimals = pd;
                }

                if (s.SizeDecimals is { } sd)
                {
                    mapping.SizeDecimals = sd;
                }
            }
            else if (format == ImportFormat.Tardis && s.Symbol is not null)
            {
                CommonOptions.Error("--symbol is not used with --format tardis (symbols come from the files' symbol column)");
                return ExitCodes.Usage;
            }
        }
        catch (Exception ex) when (ex is ImportException or IOException or UnauthorizedAccessException)
        {
            CommonOptions.Error(ex.Message);
            return ExitCodes.Failed;
        }

        ImportResult result;
        try
        {
            string? directory = Path.GetDirectoryName(Path.GetFullPath(s.Output));
            if (directory is not null)
            {
                Directory.CreateDirectory(directory);
            }

            result = await ProgressBars.RunAsync($"import {s.Format} ({s.Inputs.Length} file(s))", report =>
            {
                var progress = new CallbackProgress<ImportProgress>(p => report(p.OverallFraction));
                var options = CreateOptions(format, s, progress);
                return Task.Run(() => Importer.Import(format, s.Inputs, s.Output, options, mapping, cancellationToken), cancellationToken);
            });
        }
        catch (ImportException ex) when (ex.Result is not null)
        {
            PrintResult(ex.Result, s.MaxErrors, written: false);
            CommonOptions.Error("import refused, nothing written: " + ex.Message);
            return ExitCodes.Failed;
        }
        catch (ImportException ex)
        {
            CommonOptions.Error("import aborted, nothing written: " + ex.Message);
            return ExitCodes.Failed;
        }
        catch (OperationCanceledException)
        {
            CommonOptions.Error("import cancelled; no output written");
            return ExitCodes.Failed;
        }
        catch (Exception ex)
        {
            // Unreadable or unwritable files, unknown time zones, bad zips...: report, never a stack trace.
            CommonOptions.Error("import failed: " + ex.Message);
            return ExitCodes.Failed;
        }

        PrintResult(result, s.MaxErrors, written: true);
        return ExitCodes.Success;
    }

    private static ImportOptions CreateOptions(ImportFormat format, Settings s, IProgress<ImportProgress> progress) => format switch
    {
        ImportFormat.Lean => new LeanImportOptions
        {
            ErrorPolicy = s.Policy,
            MaxErrorDetails = s.MaxErrors,
            Progress = progress,
            BlockTicks = s.BlockTicks,
            MaxBadRowFraction = s.MaxBadRowFraction,
            AllowDuplicateInputs = s.AllowDuplicates,
            Force = s.Force,
            SkipSuspicious = s.SkipSuspicious,
            Symbol = s.Symbol,
            TimeZone = s.TimeZone ?? "America/New_York",
        },
        ImportFormat.Tardis => new TardisImportOptions
        {
            ErrorPolicy = s.Policy,
            MaxErrorDetails = s.MaxErrors,
            Progress = progress,
            BlockTicks = s.BlockTicks,
            MaxBadRowFraction = s.MaxBadRowFraction,
            AllowDuplicateInputs = s.AllowDuplicates,
            Force = s.Force,
            PriceDecimals = s.PriceDecimals,
            SizeDecimals = s.SizeDecimals,
        },
        _ => new ImportOptions { ErrorPolicy = s.Policy, MaxErrorDetails = s.MaxErrors, Progress = progress, BlockTicks = s.BlockTicks, MaxBadRowFraction = s.MaxBadRowFraction, AllowDuplicateInputs = s.AllowDuplicates, Force = s.Force },
    };

    private static bool TryParseFraction(string text, out double fraction)
    {
        text = text.Trim();
        bool percent = text.EndsWith('%');
        if (percent)
        {
            text = text[..^1];
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out fraction))
        {
            return false;
        }

        if (percent)
        {
            fraction /= 100;
        }

        return fraction is >= 0 and <= 1;
    }

    private static void PrintResult(ImportResult r, int maxErrors, bool written)
    {
        var inv = CultureInfo.InvariantCulture;
        var table = new Table().Border(TableBorder.Simple).HideHeaders();
        table.AddColumns("what", "value");
        table.AddRow("output", written ? Markup.Escape(r.OutputPath ?? "-") : $"[red]not written[/] ({Markup.Escape(r.OutputPath ?? "-")})");
        table.AddRow("files", r.Files.Count.ToString(inv));
        table.AddRow("rows read", r.RowsRead.ToString("N0", inv));
        table.AddRow(written ? "ticks written" : "ticks parsed", string.Create(inv, $"{r.TicksWritten:N0} ({r.Trades:N0} trades, {r.Quotes:N0} quotes)"));
        table.AddRow("bad rows", r.BadRows == 0 ? "0" : string.Create(inv, $"[yellow]{r.BadRows:N0} skipped ({(double)r.BadRows / Math.Max(1, r.RowsRead):P3} of the rows)[/]"));
        if (r.SuspiciousSkipped > 0)
        {
            table.AddRow("suspicious skipped", r.SuspiciousSkipped.ToString("N0", inv));
        }

        table.AddRow("time range", r.TicksWritten == 0 ? "-" : $"{UnixTime.Format(r.FirstTimestamp)} .. {UnixTime.Format(r.LastTimestamp)}");
        table.AddRow("elapsed", string.Create(inv, $"{r.Elapsed.TotalSeconds:F2} s ({r.RowsPerSecond:N0} rows/s)"));
        AnsiConsole.Write(table);

        if (r.BadRows > 0)
        {
            AnsiConsole.MarkupLine($"[yellow]bad rows[/] (first {Math.Min(r.Errors.Count, maxErrors).ToString(inv)} of {r.BadRows.ToString("N0", inv)}):");
            int shown = Math.Min(maxErrors, r.Errors.Count);
            for (int i = 0; i < shown; i++)
            {
                AnsiConsole.WriteLine("  " + r.Errors[i]);
            }

            if (r.BadRows > shown)
            {
                AnsiConsole.WriteLine(string.Create(inv, $"  ... and {r.BadRows - shown:N0} more"));
            }
        }

        foreach (string w in r.Warnings)
        {
            AnsiConsole.MarkupLine("[yellow]warning:[/] " + Markup.Escape(w));
        }

        if (written && r.OutputPath is not null && r.TicksWritten > 0)
        {
            // Per-symbol counts and volume from the written log (cheap: one sequential read).
            var summary = TickLogInspector.Inspect(r.OutputPath);
            InspectCommand.PrintSymbols(summary);
        }
    }

    private sealed record Settings(
        string Format,
        string[] Inputs,
        string Output,
        string? Mapping,
        string? Symbol,
        ImportErrorPolicy Policy,
        bool SkipSuspicious,
        string? TimeZone,
        int? PriceDecimals,
        int? SizeDecimals,
        int MaxErrors,
        int BlockTicks,
        string MaxBadRows,
        bool AllowDuplicates,
        bool Force)
    {
        public double MaxBadRowFraction { get; init; } = 0.001;
    }
}
