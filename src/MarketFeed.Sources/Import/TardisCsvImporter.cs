using System.Globalization;
using MarketFeed.Core;

namespace MarketFeed.Sources.Import;

/// <summary>
/// Reads Tardis.dev CSV files with a header row: <c>trades</c>
/// (<c>exchange,symbol,timestamp,local_timestamp,id,side,price,amount</c>) and <c>quote</c>
/// (<c>exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount</c>).
/// Columns are found by name, so their order may vary. <c>timestamp</c> (exchange) and
/// <c>local_timestamp</c> (receive) are µs since the epoch; prices and amounts are decimal text,
/// converted exactly to fixed point with a per-symbol scale (given, or detected from the files).
/// </summary>
public static class TardisCsvImporter
{
    /// <summary>Reads, merges (time, then file order) and sequences the given files.</summary>
    public static ImportedTicks Read(IReadOnlyList<string> paths, TardisImportOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new TardisImportOptions();
        var session = new ImportSession(options, paths, cancellationToken);
        Dictionary<string, (int Price, int Size)>? detected = null;
        if (options.PriceDecimals is null || options.SizeDecimals is null)
        {
            detected = DetectScales(paths, options.MinDetectedDecimals);
        }

        var scales = new ScaleResolver(options, detected);
        foreach (string path in paths)
        {
            try
            {
                ReadFile(path, session, scales);
            }
            catch (NotSupportedException ex)
            {
                throw CsvRows.Unreadable(path, ex);
            }
        }

        return session.Finish();
    }

    private static void ReadFile(string path, ImportSession session, ScaleResolver scales)
    {
        long size = new FileInfo(path).Length;
        using var csv = CsvRows.Open(path, ',', quotes: true, detectEncoding: false);
        var header = CsvHeader.Read(csv, path);
        if (header is null)
        {
            session.BeginFile(path, 0);
            return;
        }

        int cSymbol = header.Require("symbol", path);
        int cTs = header.Require("timestamp", path);
        int cLocal = header.IndexOf("local_timestamp");
        int cPrice = header.IndexOf("price");
        bool trades = cPrice >= 0;
        int cAmount = trades ? header.Require("amount", path) : -1;
        int cSide = header.IndexOf("side");
        int cBid = trades ? -1 : header.Require("bid_price", path);
        int cBidSize = trades ? -1 : header.Require("bid_amount", path);
        int cAsk = trades ? -1 : header.Require("ask_price", path);
        int cAskSize = trades ? -1 : header.Require("ask_amount", path);
        var run = session.BeginFile(path, size);
        foreach (var row in csv.Reader)
        {
            long lineNumber = CsvRows.LineOf(row);
            csv.ReportBadLines(lineNumber, session, path, size);
            if (row.Span.IsWhiteSpace())
            {
                continue;
            }

            int n = row.ColCount;
            if (n != header.Count)
            {
                session.Errors.Add(path, lineNumber, $"expected {header.Count} columns, found {n}");
                session.RowDone(path, csv.CharsRead, size);
                continue;
            }

            var sym = row[cSymbol].Span;
            if (!session.SymbolTable.TryGetId(sym, out int id))
            {
                if (sym.IsWhiteSpace())
                {
                    session.Errors.Add(path, lineNumber, "empty symbol");
                    session.RowDone(path, csv.CharsRead, size);
                    continue;
                }

                string name = sym.Trim().ToString().ToUpperInvariant();
                var (pd, sd) = scales.Get(name);
                id = session.SymbolTable.GetOrAdd(name, pd, sd);
            }

            var symbol = session.SymbolTable.Symbols[id];
            long local = 0;
            if (!TryMicros(row[cTs].Span, out long ts) || !ImportLimits.IsPlausibleTime(ts))
            {
                session.Errors.Add(path, lineNumber, $"timestamp '{row[cTs].Span}' is not an integer µs since the epoch within 1970..2099");
            }
            else if (cLocal >= 0 && !TryMicrosOrEmpty(row[cLocal].Span, out local))
            {
                session.Errors.Add(path, lineNumber, $"local_timestamp '{row[cLocal].Span}' is not an integer µs since the epoch");
            }
            else if (trades)
            {
                if (!FixedPoint.TryParse(row[cPrice].Span, symbol.PriceDecimals, out long price) || !FixedPoint.TryParse(row[cAmount].Span, symbol.SizeDecimals, out long amount))
                {
                    session.Errors.Add(path, lineNumber, $"price '{row[cPrice].Span}' or amount '{row[cAmount].Span}' is not a decimal with at most {symbol.PriceDecimals}/{symbol.SizeDecimals} decimals");
                }
                else if (price <= 0 || amount <= 0)
                {
                    session.Errors.Add(path, lineNumber, $"price '{row[cPrice].Span}' and amount '{row[cAmount].Span}' must both be positive");
                }
                else
                {
                    var tick = Tick.NewTrade(id, ts, price, amount, cSide >= 0 ? ParseSide(row[cSide].Span) : TradeSide.Unknown);
                    tick.ReceiveTimestamp = local;
                    run.Add(tick);
                }
            }
            else if (!TryDecimalOrEmpty(row[cBid].Span, symbol.PriceDecimals, out long bid) || !TryDecimalOrEmpty(row[cBidSize].Span, symbol.SizeDecimals, out long bidSize)
                || !TryDecimalOrEmpty(row[cAsk].Span, symbol.PriceDecimals, out long ask) || !TryDecimalOrEmpty(row[cAskSize].Span, symbol.SizeDecimals, out long askSize))
            {
                session.Errors.Add(path, lineNumber, $"bid '{row[cBid].Span}' x '{row[cBidSize].Span}' / ask '{row[cAsk].Span}' x '{row[cAskSize].Span}': a value is not a decimal with at most {symbol.PriceDecimals}/{symbol.SizeDecimals} decimals");
            }
            else if (bid < 0 || bidSize < 0 || ask < 0 || askSize < 0)
            {
                session.Errors.Add(path, lineNumber, $"bid '{row[cBid].Span}' x '{row[cBidSize].Span}' / ask '{row[cAsk].Span}' x '{row[cAskSize].Span}': negative value");
            }
            else
            {
                var tick = Tick.NewQuote(id, ts, bid, bidSize, ask, askSize);
                tick.ReceiveTimestamp = local;
                run.Add(tick);
            }

            session.RowDone(path, csv.CharsRead, size);
        }

        csv.ReportBadLines(long.MaxValue, session, path, size);
        session.Report(path, csv.CharsRead, size);
    }

    /// <summary>Pre-pass: the largest number of significant fractional digits per symbol in price and size columns.</summary>
    private static Dictionary<string, (int Price, int Size)> DetectScales(IReadOnlyList<string> paths, int minimum)
    {
        var result = new Dictionary<string, (int Price, int Size)>(StringComparer.OrdinalIgnoreCase);
        var lookup = result.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (string path in paths)
        {
            using var csv = CsvRows.Open(path, ',', quotes: true, detectEncoding: false);
            var header = CsvHeader.Read(csv, path);
            if (header is null)
            {
                continue;
            }

            int cSymbol = header.IndexOf("symbol");
            int[] priceCols = [header.IndexOf("price"), header.IndexOf("bid_price"), header.IndexOf("ask_price")];
            int[] sizeCols = [header.IndexOf("amount"), header.IndexOf("bid_amount"), header.IndexOf("ask_amount")];
            if (cSymbol < 0)
            {
                continue;
            }

            foreach (var row in csv.Reader)
            {
                if (row.ColCount != header.Count)
                {
                    continue;
                }

                int p = minimum;
                int s = minimum;
                foreach (int c in priceCols)
                {
                    p = c >= 0 ? Math.Max(p, FractionDigits(row[c].Span)) : p;
                }

                foreach (int c in sizeCols)
                {
                    s = c >= 0 ? Math.Max(s, FractionDigits(row[c].Span)) : s;
                }

                var sym = row[cSymbol].Span.Trim();
                if (lookup.TryGetValue(sym, out var current))
                {
                    if (p > current.Price || s > current.Size)
                    {
                        lookup[sym] = (Math.Max(p, current.Price), Math.Max(s, current.Size));
                    }
                }
                else if (!sym.IsEmpty)
                {
                    result[sym.ToString().ToUpperInvariant()] = (p, s);
                }
            }
        }

        return result;
    }

    private static int FractionDigits(ReadOnlySpan<char> text)
    {
        text = text.Trim();
        int dot = text.IndexOf('.');
        if (dot < 0)
        {
            return 0;
        }

        var frac = text[(dot + 1)..].TrimEnd('0');
        return Math.Min(frac.Length, FixedPoint.MaxDecimals);
    }

    private static TradeSide ParseSide(ReadOnlySpan<char> text) =>
        text.Equals("buy", StringComparison.OrdinalIgnoreCase) ? TradeSide.Buy
        : text.Equals("sell", StringComparison.OrdinalIgnoreCase) ? TradeSide.Sell
        : TradeSide.Unknown;

    private static bool TryMicros(ReadOnlySpan<char> text, out long nanos)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long micros) && micros < long.MaxValue / 1000)
        {
            nanos = micros * 1000;
            return true;
        }

        nanos = 0;
        return false;
    }

    private static bool TryMicrosOrEmpty(ReadOnlySpan<char> text, out long nanos)
    {
        nanos = 0;
        return text.IsWhiteSpace() || TryMicros(text, out nanos);
    }

    private static bool TryDecimalOrEmpty(ReadOnlySpan<char> text, int decimals, out long value)
    {
        // Tardis leaves a side empty when the book side is empty.
        value = 0;
        return text.IsWhiteSpace() || FixedPoint.TryParse(text, decimals, out value);
    }

    private sealed class ScaleResolver(TardisImportOptions options, Dictionary<string, (int Price, int Size)>? detected)
    {
        public (int Price, int Size) Get(string symbol)
        {
            foreach (var s in options.SymbolScales)
            {
                if (string.Equals(s.Name, symbol, StringComparison.OrdinalIgnoreCase))
                {
                    return (s.PriceDecimals, s.SizeDecimals);
                }
            }

            (int Price, int Size) d = default;
            bool found = detected is not null && detected.TryGetValue(symbol, out d);
            return (options.PriceDecimals ?? (found ? d.Price : 8), options.SizeDecimals ?? (found ? d.Size : 8));
        }
    }
}
