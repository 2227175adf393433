using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MarketFeed.Cli.Export;
using MarketFeed.Core;
using MarketFeed.Sources.TickLog;

namespace MarketFeed.Cli.Commands;

/// <summary>
/// <c>marketfeed export INPUT --output FILE.parquet|FILE.csv</c>: write a tick log (or a time/symbol slice of it) as
/// Parquet or CSV for research tools (schemas in docs/python.md). Reads the file locally; no server needed.
/// Exit codes: 0 written, 3 written but the log is damaged (the ticks of damaged blocks are missing: listed loudly),
/// 4 unreadable input or unwritable output, 64 bad arguments (unknown symbol, extension, range).
/// </summary>
internal static class ExportCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "Tick log FILE.mflog, or a dataset NAME in --data-dir" };
        var output = new Option<string>("--output", "-o") { Description = "FILE.parquet or FILE.csv (replaced if it exists)", Required = true };
        var dataDir = new Option<string>("--data-dir") { Description = "Folder of the datasets (default: data)", DefaultValueFactory = _ => "data" };
        var symbols = new Option<string[]>("--symbols", "-s") { Description = "Symbols to export, comma separated (default: all)", AllowMultipleArgumentsPerToken = true };
        var from = new Option<string?>("--from") { Description = "Start (inclusive): ISO-8601 (UTC unless an offset is given) or a number with its unit (1381152600s, ...ms, ...us, ...ns)" };
        var to = new Option<string?>("--to") { Description = "End (inclusive): ISO-8601 or a number with its unit" };
        var command = new Command("export", "Write a tick log (or a time/symbol slice) as Parquet or CSV for pandas, Spark, DuckDB...")
        {
            input, output, dataDir, symbols, from, to,
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            parseResult.GetValue(input)!, parseResult.GetValue(output)!, parseResult.GetValue(dataDir)!,
            ReplayCommand.SplitSymbols(parseResult.GetValue(symbols)), parseResult.GetValue(from), parseResult.GetValue(to), cancellationToken));
        return command;
    }

    /// <summary>Resolves INPUT: an existing file, else <c>DATADIR/INPUT.mflog</c>.</summary>
    internal static string ResolveInput(string input, string dataDir) =>
        File.Exists(input) || input.EndsWith(".mflog", StringComparison.OrdinalIgnoreCase) ? input : Path.Combine(dataDir, input + ".mflog");

    private static async Task<int> RunAsync(string input, string output, string dataDir, List<string>? symbols, string? fromText, string? toText, CancellationToken cancellationToken)
    {
        string extension = Path.GetExtension(output).ToLowerInvariant();
        if (extension is not (".parquet" or ".csv"))
        {
            CommonOptions.Error($"--output must end in .parquet or .csv: {output}");
            return ExitCodes.Usage;
        }

        long from = long.MinValue;
        long to = long.MaxValue;
        string? error = null;
        if ((fromText is not null && !CommonOptions.TryParseTime(fromText, out from, out error)) || (toText is not null && !CommonOptions.TryParseTime(toText, out to, out error)))
        {
            CommonOptions.Error((fromText is not null && error is not null && error.Contains(fromText, StringComparison.Ordinal) ? "--from: " : "--to: ") + error);
            return ExitCodes.Usage;
        }

        if (to < from)
        {
            CommonOptions.Error("--to is before --from");
            return ExitCodes.Usage;
        }

        string path = ResolveInput(input, dataDir);
        if (!File.Exists(path))
        {
            CommonOptions.Error($"not found: {path}");
            return ExitCodes.Failed;
        }

        using var reader = TryOpen(path);
        if (reader is null)
        {
            return ExitCodes.Failed;
        }

        var wanted = new bool[reader.Symbols.Count];
        if (symbols is null)
        {
            Array.Fill(wanted, true);
        }
        else
        {
            foreach (string s in symbols)
            {
                int index = IndexOf(reader.Symbols, s);
                if (index < 0)
                {
                    CommonOptions.Error($"{s} is not in {path} (symbols: {string.Join(", ", reader.Symbols.Select(x => x.Name))})");
                    return ExitCodes.Usage;
                }

                wanted[index] = true;
            }
        }

        string source = string.Create(CultureInfo.InvariantCulture,
            $"{Path.GetFileName(path)} ({reader.Source}); symbols {(symbols is null ? "all" : string.Join(",", symbols))}; " +
            $"from {(from == long.MinValue ? "start" : UnixTime.Format(from))} to {(to == long.MaxValue ? "end" : UnixTime.Format(to))}");
        await using var writer = await TryCreateWriterAsync(extension, output, reader.Symbols, source, cancellationToken);
        if (writer is null)
        {
            return ExitCodes.Failed;
        }

        var stopwatch = Stopwatch.StartNew();
        try
        {
            await CopyAsync(reader, writer, wanted, from, to, cancellationToken);
            await writer.CompleteAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            CommonOptions.Error($"cannot write {output}: {ex.Message}");
            return ExitCodes.Failed;
        }

        double seconds = Math.Max(stopwatch.Elapsed.TotalSeconds, 1e-9);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"exported {writer.Rows:N0} rows to {output} ({new FileInfo(output).Length:N0} bytes) in {seconds:F3} s, {writer.Rows / seconds:N0} rows/s"));
        if (reader.Damage.Count > 0)
        {
            foreach (var d in reader.Damage)
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"DAMAGE {d.Kind} at offset {d.Offset} ({d.Length} bytes): {d.Description}"));
            }

            CommonOptions.Error($"{path} is damaged: the ticks of {reader.Damage.Count} damaged region(s) are NOT in {output} (see 'marketfeed inspect')");
            return ExitCodes.Damaged;
        }

        return ExitCodes.Success;
    }

    private static TickLogReader? TryOpen(string path)
    {
        try
        {
            return TickLogReader.Open(path);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            CommonOptions.Error($"{path}: unreadable tick log: {ex.Message}");
            return null;
        }
    }

    private static async Task<ITickExportWriter?> TryCreateWriterAsync(
        string extension, string output, IReadOnlyList<TickLogSymbol> symbols, string source, CancellationToken cancellationToken)
    {
        try
        {
            return extension == ".parquet"
                ? await ParquetTickWriter.CreateAsync(output, symbols, source, cancellationToken)
                : new CsvTickWriter(output, symbols);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            CommonOptions.Error($"cannot write {output}: {ex.Message}");
            return null;
        }
    }

    private static async Task CopyAsync(TickLogReader reader, ITickExportWriter writer, bool[] wanted, long from, long to, CancellationToken cancellationToken)
    {
        var buffer = new Tick[4096];
        var blocks = reader.Blocks;
        for (int b = from == long.MinValue ? 0 : reader.FindFirstBlock(from); b < blocks.Count; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (blocks[b].MinTimestamp > to || !reader.TryReadBlock(b, ref buffer, out int count))
            {
                continue;
            }

            for (int i = 0; i < count; i++)
            {
                ref readonly var tick = ref buffer[i];
                if (tick.Timestamp >= from && tick.Timestamp <= to && wanted[tick.SymbolId] && writer.Add(tick))
                {
                    await writer.FlushAsync(cancellationToken);
                }
            }
        }
    }

    private static int IndexOf(IReadOnlyList<TickLogSymbol> symbols, string name)
    {
        for (int i = 0; i < symbols.Count; i++)
        {
            if (string.Equals(symbols[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}
