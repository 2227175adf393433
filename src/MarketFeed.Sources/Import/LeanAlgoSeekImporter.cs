using System.Globalization;
using System.IO.Compression;
using System.Text;
using MarketFeed.Core;

namespace MarketFeed.Sources.Import;

/// <summary>
/// Reads Lean/AlgoSeek US equity tick files: <c>yyyyMMdd_trade.zip</c> / <c>yyyyMMdd_quote.zip</c>
/// (or the bare CSV), one symbol and day per file, no header. Trades:
/// <c>Time,Price,Quantity,Exchange,SaleCondition,Suspicious</c>; quotes:
/// <c>Time,BidPrice,BidSize,AskPrice,AskSize,Exchange,Condition,Suspicious</c>. Time is ms since
/// midnight in America/New_York on the file's date; prices are x10000 (price decimals 4), sizes
/// whole shares. Each quote row updates one side; the importer carries the other side forward so
/// every quote tick is a consolidated top of book.
/// </summary>
public static class LeanAlgoSeekImporter
{
    /// <summary>Price decimals of Lean equity prices (deci-cents).</summary>
    public const int PriceDecimals = 4;

    /// <summary>Size decimals (whole shares).</summary>
    public const int SizeDecimals = 0;

    /// <summary>Reads, merges (time, then file order) and sequences the given files.</summary>
    public static ImportedTicks Read(IReadOnlyList<string> paths, LeanImportOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LeanImportOptions();
        var session = new ImportSession(options, paths, cancellationToken);
        var tz = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        foreach (string path in paths)
        {
            ReadFile(path, options, tz, session);
        }

        return session.Finish();
    }

    private static void ReadFile(string path, LeanImportOptions options, TimeZoneInfo tz, ImportSession session)
    {
        string fileName = Path.GetFileName(path);
        if (fileName.Length < 8 || !DateTime.TryParseExact(fileName.AsSpan(0, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime date))
        {
            throw new ImportException($"{path}: file name must start with the date yyyyMMdd (e.g. 20131007_trade.zip)");
        }

        ZipArchive? zip = null;
        Stream stream;
        string entryName;
        long size;
        if (path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            zip = ZipFile.OpenRead(path);
            ZipArchiveEntry? entry = null;
            foreach (var e in zip.Entries)
            {
                if (e.Length > 0)
                {
                    entry = e;
                    break;
                }
            }

            if (entry is null)
            {
                zip.Dispose();
                throw new ImportException($"{path}: zip holds no CSV entry");
            }

            entryName = entry.Name;
            size = entry.Length;
            stream = entry.Open();
        }
        else
        {
            entryName = fileName;
            size = new FileInfo(path).Length;
            stream = File.OpenRead(path);
        }

        try
        {
            bool quote;
            if (entryName.Contains("quote", StringComparison.OrdinalIgnoreCase) || fileName.Contains("quote", StringComparison.OrdinalIgnoreCase))
            {
                quote = true;
            }
            else if (entryName.Contains("trade", StringComparison.OrdinalIgnoreCase) || fileName.Contains("trade", StringComparison.OrdinalIgnoreCase))
            {
                quote = false;
            }
            else
            {
                throw new ImportException($"{path}: cannot tell trades from quotes (name must contain 'trade' or 'quote')");
            }

            string symbol = options.Symbol ?? SymbolFromNames(entryName, path);
            int symbolId = session.SymbolTable.GetOrAdd(symbol, PriceDecimals, SizeDecimals);
            string display = zip is null ? path : path + "!" + entryName;
            var run = session.BeginFile(display, size);
            using var text = new StreamReader(stream, Encoding.UTF8, false, 1 << 16);
            var reader = new CsvLineReader(text);
            var clock = new LeanClock(date, tz);
            if (quote)
            {
                ReadQuotes(reader, run, symbolId, clock, options, session, display, size);
            }
            else
            {
                ReadTrades(reader, run, symbolId, clock, options, session, display, size);
            }

            session.Report(display, reader.CharsRead, size);
        }
        finally
        {
            stream.Dispose();
            zip?.Dispose();
        }
    }

    private static string SymbolFromNames(string entryName, string path)
    {
        // Lean entry names look like 20131007_ibm_Trade_Tick.csv.
        string[] parts = entryName.Split('_');
        if (parts.Length >= 3 && parts[1].Length > 0)
        {
            return parts[1].ToUpperInvariant();
        }

        string? folder = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(path)));
        return string.IsNullOrEmpty(folder) ? throw new ImportException($"{path}: cannot tell the symbol; set LeanImportOptions.Symbol") : folder.ToUpperInvariant();
    }

    private static void ReadTrades(CsvLineReader reader, TickBuffer run, int symbolId, LeanClock clock, LeanImportOptions options, ImportSession session, string file, long size)
    {
        Span<Range> f = stackalloc Range[8];
        while (reader.TryReadLine(out var line))
        {
            if (line.IsWhiteSpace())
            {
                continue;
            }

            int n = line.Split(f, ',');
            if (n < 6)
            {
                session.Errors.Add(file, reader.LineNumber, $"expected 6 columns (Time,Price,Quantity,Exchange,SaleCondition,Suspicious), found {n}");
            }
            else if (!TryLong(line[f[0]], out long ms) || !TryLong(line[f[1]], out long price) || !TryLong(line[f[2]], out long qty) || !TryLong(line[f[5]], out long suspicious))
            {
                session.Errors.Add(file, reader.LineNumber, "a numeric field (Time, Price, Quantity, Suspicious) is not an integer");
            }
            else if (price <= 0 || qty < 0 || ms < 0)
            {
                session.Errors.Add(file, reader.LineNumber, $"out of range: time {ms}, price {price}, quantity {qty}");
            }
            else if (!clock.TryToUnixNanos(ms, out long ts))
            {
                session.Errors.Add(file, reader.LineNumber, $"time {ms} ms is not a valid local time");
            }
            else if (suspicious != 0 && options.SkipSuspicious)
            {
                session.SuspiciousSkipped++;
            }
            else
            {
                var tick = Tick.NewTrade(symbolId, ts, price, qty, TradeSide.Unknown);
                tick.Flags = suspicious != 0 ? TickFlags.Suspicious : TickFlags.None;
                run.Add(tick);
            }

            session.RowDone(file, reader, size);
        }
    }

    private static void ReadQuotes(CsvLineReader reader, TickBuffer run, int symbolId, LeanClock clock, LeanImportOptions options, ImportSession session, string file, long size)
    {
        Span<Range> f = stackalloc Range[10];
        long bid = 0, bidSize = 0, ask = 0, askSize = 0;
        while (reader.TryReadLine(out var line))
        {
            if (line.IsWhiteSpace())
            {
                continue;
            }

            int n = line.Split(f, ',');
            if (n < 8)
            {
                session.Errors.Add(file, reader.LineNumber, $"expected 8 columns (Time,BidPrice,BidSize,AskPrice,AskSize,Exchange,Condition,Suspicious), found {n}");
            }
            else if (!TryLong(line[f[0]], out long ms) || !TryLong(line[f[1]], out long bp) || !TryLong(line[f[2]], out long bs)
                || !TryLong(line[f[3]], out long ap) || !TryLong(line[f[4]], out long @as) || !TryLong(line[f[7]], out long suspicious))
            {
                session.Errors.Add(file, reader.LineNumber, "a numeric field (Time, BidPrice, BidSize, AskPrice, AskSize, Suspicious) is not an integer");
            }
            else if (bp < 0 || bs < 0 || ap < 0 || @as < 0 || ms < 0)
            {
                session.Errors.Add(file, reader.LineNumber, "negative time, price or size");
            }
            else if (!clock.TryToUnixNanos(ms, out long ts))
            {
                session.Errors.Add(file, reader.LineNumber, $"time {ms} ms is not a valid local time");
            }
            else if (suspicious != 0 && options.SkipSuspicious)
            {
                session.SuspiciousSkipped++;
            }
            else
            {
                // One-sided rows carry the other side as 0,0: keep the last known value of that side.
                if (bp != 0 || bs != 0)
                {
                    bid = bp;
                    bidSize = bs;
                }

                if (ap != 0 || @as != 0)
                {
                    ask = ap;
                    askSize = @as;
                }

                var tick = Tick.NewQuote(symbolId, ts, bid, bidSize, ask, askSize);
                tick.Flags = suspicious != 0 ? TickFlags.Suspicious : TickFlags.None;
                run.Add(tick);
            }

            session.RowDone(file, reader, size);
        }
    }

    private static bool TryLong(ReadOnlySpan<char> s, out long value) =>
        long.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out value);
}
