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

    /// <summary>Largest raw price accepted (x10000): $100,000,000 a share. Larger is a bad row (garbage, not a price).</summary>
    public const long MaxPrice = 1_000_000_000_000;

    /// <summary>Largest size accepted in one row: 10,000,000,000 shares.</summary>
    public const long MaxSize = 10_000_000_000;

    /// <summary>Milliseconds in a (wall-clock) day: a time field must be below it.</summary>
    public const long MillisPerDay = 86_400_000;

    /// <summary>Reads, merges (time, then file order) and sequences the given files.</summary>
    public static ImportedTicks Read(IReadOnlyList<string> paths, LeanImportOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LeanImportOptions();
        var session = new ImportSession(options, paths, cancellationToken);
        var tz = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        foreach (string path in paths)
        {
            try
            {
                ReadFile(path, options, tz, session);
            }
            catch (InvalidDataException ex)
            {
                // Damaged or truncated archives: name the input, import nothing.
                throw new ImportException($"{path}: damaged or truncated archive, nothing imported: {ex.Message}", ex);
            }
            catch (NotSupportedException ex)
            {
                throw CsvRows.Unreadable(path, ex);
            }
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
            stream = new CrcCheckingStream(entry.Open(), entry.Crc32, entry.Length);
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
            // No quoting in Lean files: a quote is an ordinary character (and a bad number).
            using var csv = new CsvRows(new StreamReader(stream, Encoding.UTF8, false, 1 << 16), ',', quotes: false, display);
            var clock = new LeanClock(date, tz);
            if (quote)
            {
                ReadQuotes(csv, run, symbolId, clock, options, session, display, size);
            }
            else
            {
                ReadTrades(csv, run, symbolId, clock, options, session, display, size);
            }

            session.Report(display, csv.CharsRead, size);
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

    private static void ReadTrades(CsvRows csv, TickBuffer run, int symbolId, LeanClock clock, LeanImportOptions options, ImportSession session, string file, long size)
    {
        foreach (var row in csv.Reader)
        {
            if (row.Span.IsWhiteSpace())
            {
                continue;
            }

            int n = row.ColCount;
            if (n < 6)
            {
                session.Errors.Add(file, CsvRows.LineOf(row), $"expected 6 columns (Time,Price,Quantity,Exchange,SaleCondition,Suspicious), found {n}");
            }
            else if (!TryLong(row[0].Span, out long ms) || !TryLong(row[1].Span, out long price) || !TryLong(row[2].Span, out long qty) || !TryLong(row[5].Span, out long suspicious))
            {
                session.Errors.Add(file, CsvRows.LineOf(row), "a numeric field (Time, Price, Quantity, Suspicious) is not an integer");
            }
            else if (RangeError(ms, price, qty, suspicious) is { } error)
            {
                session.Errors.Add(file, CsvRows.LineOf(row), error);
            }
            else if (!clock.TryToUnixNanos(ms, out long ts))
            {
                session.Errors.Add(file, CsvRows.LineOf(row), $"time {ms} ms is not a valid local time");
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

            session.RowDone(file, csv.CharsRead, size);
        }
    }

    private static void ReadQuotes(CsvRows csv, TickBuffer run, int symbolId, LeanClock clock, LeanImportOptions options, ImportSession session, string file, long size)
    {
        long bid = 0, bidSize = 0, ask = 0, askSize = 0;
        foreach (var row in csv.Reader)
        {
            if (row.Span.IsWhiteSpace())
            {
                continue;
            }

            int n = row.ColCount;
            if (n < 8)
            {
                session.Errors.Add(file, CsvRows.LineOf(row), $"expected 8 columns (Time,BidPrice,BidSize,AskPrice,AskSize,Exchange,Condition,Suspicious), found {n}");
            }
            else if (!TryLong(row[0].Span, out long ms) || !TryLong(row[1].Span, out long bp) || !TryLong(row[2].Span, out long bs)
                || !TryLong(row[3].Span, out long ap) || !TryLong(row[4].Span, out long @as) || !TryLong(row[7].Span, out long suspicious))
            {
                session.Errors.Add(file, CsvRows.LineOf(row), "a numeric field (Time, BidPrice, BidSize, AskPrice, AskSize, Suspicious) is not an integer");
            }
            else if (QuoteRangeError(ms, bp, bs, ap, @as, suspicious) is { } error)
            {
                session.Errors.Add(file, CsvRows.LineOf(row), error);
            }
            else if (!clock.TryToUnixNanos(ms, out long ts))
            {
                session.Errors.Add(file, CsvRows.LineOf(row), $"time {ms} ms is not a valid local time");
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

            session.RowDone(file, csv.CharsRead, size);
        }
    }

    /// <summary>Why a trade row's fields are out of range (null if all are fine). Every value is shown.</summary>
    private static string? RangeError(long ms, long price, long qty, long suspicious)
    {
        if (ms is < 0 or >= MillisPerDay)
        {
            return $"Time {ms} ms is outside the day (0..{MillisPerDay - 1})";
        }

        if (price is <= 0 or > MaxPrice)
        {
            return $"Price {price} is outside 1..{MaxPrice} (x10000)";
        }

        if (qty is <= 0 or > MaxSize)
        {
            return $"Quantity {qty} is outside 1..{MaxSize}";
        }

        return suspicious is 0 or 1 ? null : $"Suspicious {suspicious} is not 0 or 1";
    }

    /// <summary>Why a quote row's fields are out of range (null if all are fine). A side is absent as 0,0, else both its fields are positive.</summary>
    private static string? QuoteRangeError(long ms, long bp, long bs, long ap, long @as, long suspicious)
    {
        if (ms is < 0 or >= MillisPerDay)
        {
            return $"Time {ms} ms is outside the day (0..{MillisPerDay - 1})";
        }

        if (SideError("Bid", bp, bs) is { } bid)
        {
            return bid;
        }

        if (SideError("Ask", ap, @as) is { } ask)
        {
            return ask;
        }

        if (bp == 0 && ap == 0)
        {
            return "neither side has a price (BidPrice and AskPrice are 0)";
        }

        return suspicious is 0 or 1 ? null : $"Suspicious {suspicious} is not 0 or 1";
    }

    private static string? SideError(string side, long price, long size)
    {
        if (price == 0 && size == 0)
        {
            return null;
        }

        if (price is <= 0 or > MaxPrice)
        {
            return $"{side}Price {price} is outside 1..{MaxPrice} (x10000) while {side}Size is {size}";
        }

        return size is <= 0 or > MaxSize ? $"{side}Size {size} is outside 1..{MaxSize} while {side}Price is {price}" : null;
    }

    private static bool TryLong(ReadOnlySpan<char> s, out long value) =>
        long.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out value);
}
