using System.Globalization;
using MarketFeed.Core;
using nietras.SeparatedValues;

namespace MarketFeed.Sources.Import;

/// <summary>Reads CSV files of any layout described by a <see cref="GenericCsvMapping"/>.</summary>
public static class GenericCsvImporter
{
    /// <summary>Reads, merges (time, then file order) and sequences the given files.</summary>
    public static ImportedTicks Read(IReadOnlyList<string> paths, GenericCsvMapping mapping, ImportOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        options ??= new ImportOptions();
        if (mapping.Time is null)
        {
            throw new ImportException("column mapping: 'time' column is required");
        }

        if (mapping.Symbol is null && string.IsNullOrWhiteSpace(mapping.DefaultSymbol))
        {
            throw new ImportException("column mapping: map a 'symbol' column or set 'defaultSymbol'");
        }

        if (mapping.Price is null && mapping.Bid is null && mapping.Ask is null)
        {
            throw new ImportException("column mapping: map 'price' (trades) and/or 'bid'/'ask' (quotes)");
        }

        var session = new ImportSession(options, paths, cancellationToken);
        var time = new CsvTimeParser(mapping.TimeFormat, mapping.TimeZone);
        var state = new QuoteBooks();
        foreach (string path in paths)
        {
            try
            {
                ReadFile(path, mapping, time, session, state);
            }
            catch (NotSupportedException ex)
            {
                throw CsvRows.Unreadable(path, ex);
            }
        }

        return session.Finish();
    }

    private static void ReadFile(string path, GenericCsvMapping m, CsvTimeParser time, ImportSession session, QuoteBooks books)
    {
        char delimiter = m.DelimiterChar;
        long size = new FileInfo(path).Length;
        using var csv = CsvRows.Open(path, delimiter, quotes: true, detectEncoding: true);
        CsvHeader? header = null;
        if (m.HasHeader)
        {
            header = CsvHeader.Read(csv, path);
            if (header is null)
            {
                session.BeginFile(path, 0);
                return;
            }
        }

        var c = new Columns(m, header, path);
        if (header is not null && c.Time >= 0 && c.Time < header.Count && time.TryParse(header.Names[c.Time], out _))
        {
            // hasHeader on a file without one would silently drop its first row: a header's time field never parses as a time.
            throw new ImportException($"{path}:1: the mapping says the file has a header, but line 1 looks like data (its time field '{header.Names[c.Time]}' is a valid time): set \"hasHeader\": false, or that row would be dropped");
        }

        var run = session.BeginFile(path, size);
        int defaultSymbol = c.Symbol < 0 ? AddSymbol(session, m, m.DefaultSymbol!) : -1;
        foreach (var row in csv.Reader)
        {
            // A row may span lines (a quoted field with a line break): errors name its first line.
            long lineNumber = CsvRows.LineOf(row);
            csv.ReportBadLines(lineNumber, session, path, size);
            if (row.Span.IsWhiteSpace())
            {
                continue;
            }

            if (row.ColCount <= c.Max)
            {
                session.Errors.Add(path, lineNumber, $"expected at least {c.Max + 1} columns, found {row.ColCount}");
            }
            else if (ParseRow(row, c, m, time, session, books, run, defaultSymbol) is { } error)
            {
                session.Errors.Add(path, lineNumber, error);
            }

            session.RowDone(path, csv.CharsRead, size);
        }

        csv.ReportBadLines(long.MaxValue, session, path, size);
        session.Report(path, csv.CharsRead, size);
    }

    private static string? ParseRow(SepReader.Row row, Columns c, GenericCsvMapping m, CsvTimeParser time, ImportSession session, QuoteBooks books, TickBuffer run, int defaultSymbol)
    {
        int id = defaultSymbol;
        if (c.Symbol >= 0)
        {
            var sym = Field(row, c.Symbol);
            if (sym.IsEmpty)
            {
                return "empty symbol";
            }

            if (!session.SymbolTable.TryGetId(sym, out id))
            {
                id = AddSymbol(session, m, sym.ToString());
            }
        }

        var symbol = session.SymbolTable.Symbols[id];
        var timeText = Field(row, c.Time);
        if (!time.TryParse(timeText, out long ts))
        {
            return $"time '{timeText}' does not match format '{m.TimeFormat}' (zone {m.TimeZone}) or is outside 1970..2099";
        }

        long receive = 0;
        if (c.ReceiveTime >= 0 && !Field(row, c.ReceiveTime).IsEmpty && !time.TryParse(Field(row, c.ReceiveTime), out receive))
        {
            return $"receive time '{Field(row, c.ReceiveTime)}' does not match format '{m.TimeFormat}'";
        }

        bool trade;
        if (c.Kind >= 0)
        {
            var kind = Field(row, c.Kind);
            if (Matches(kind, m.TradeKindValues))
            {
                trade = true;
            }
            else if (Matches(kind, m.QuoteKindValues))
            {
                trade = false;
            }
            else
            {
                return $"kind '{kind}' is neither a trade ({string.Join('/', m.TradeKindValues)}) nor a quote ({string.Join('/', m.QuoteKindValues)})";
            }
        }
        else
        {
            trade = c.Price >= 0 && !Field(row, c.Price).IsEmpty;
        }

        if (trade)
        {
            if (c.Price < 0)
            {
                return "trade row but no price column is mapped";
            }

            var priceText = Field(row, c.Price);
            if (!FixedPoint.TryParse(priceText, symbol.PriceDecimals, out long price) || price <= 0)
            {
                return $"price '{priceText}' is not a positive decimal with at most {symbol.PriceDecimals} decimals";
            }

            long qty = 0;
            if (c.Size >= 0 && (!FixedPoint.TryParse(Field(row, c.Size), symbol.SizeDecimals, out qty) || qty < 0))
            {
                return $"size '{Field(row, c.Size)}' is not a non-negative decimal with at most {symbol.SizeDecimals} decimals";
            }

            var side = TradeSide.Unknown;
            if (c.Side >= 0)
            {
                var s = Field(row, c.Side);
                side = Matches(s, m.BuyValues) ? TradeSide.Buy : Matches(s, m.SellValues) ? TradeSide.Sell : TradeSide.Unknown;
            }

            var tick = Tick.NewTrade(id, ts, price, qty, side);
            tick.ReceiveTimestamp = receive;
            if (c.Size < 0)
            {
                tick.Flags = TickFlags.SizeUnknown; // no size column: 0 means unknown, not nothing
            }

            run.Add(tick);
            return null;
        }

        ref var book = ref books.Get(id);

        // Parse into a copy: a bad row must not leave half of its values in the book.
        var next = book;
        if (!TryUpdate(row, c.Bid, symbol.PriceDecimals, ref next.BidPrice))
        {
            return $"bid '{Field(row, c.Bid)}' is not a non-negative decimal with at most {symbol.PriceDecimals} decimals";
        }

        if (!TryUpdate(row, c.BidSize, symbol.SizeDecimals, ref next.BidSize))
        {
            return $"bid size '{Field(row, c.BidSize)}' is not a non-negative decimal with at most {symbol.SizeDecimals} decimals";
        }

        if (!TryUpdate(row, c.Ask, symbol.PriceDecimals, ref next.AskPrice))
        {
            return $"ask '{Field(row, c.Ask)}' is not a non-negative decimal with at most {symbol.PriceDecimals} decimals";
        }

        if (!TryUpdate(row, c.AskSize, symbol.SizeDecimals, ref next.AskSize))
        {
            return $"ask size '{Field(row, c.AskSize)}' is not a non-negative decimal with at most {symbol.SizeDecimals} decimals";
        }

        book = next;

        var quote = Tick.NewQuote(id, ts, book.BidPrice, book.BidSize, book.AskPrice, book.AskSize);
        quote.ReceiveTimestamp = receive;
        if (c.BidSize < 0 || c.AskSize < 0)
        {
            quote.Flags = TickFlags.SizeUnknown; // FX sources without sizes: a 0 size is unknown, not an empty side
        }

        run.Add(quote);
        return null;
    }

    private static bool TryUpdate(SepReader.Row row, int column, int decimals, ref long value)
    {
        if (column < 0)
        {
            return true;
        }

        var text = Field(row, column);
        if (text.IsEmpty)
        {
            return true;
        }

        if (!FixedPoint.TryParse(text, decimals, out long parsed) || parsed < 0)
        {
            return false;
        }

        value = parsed;
        return true;
    }

    private static int AddSymbol(ImportSession session, GenericCsvMapping m, string name)
    {
        foreach (var s in m.SymbolScales)
        {
            if (string.Equals(s.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return session.SymbolTable.GetOrAdd(name, s.PriceDecimals, s.SizeDecimals);
            }
        }

        return session.SymbolTable.GetOrAdd(name, m.PriceDecimals, m.SizeDecimals);
    }

    // Sep has unescaped the field and trimmed its spaces; other blanks (tabs) are trimmed here.
    private static ReadOnlySpan<char> Field(SepReader.Row row, int column) =>
        row[column].Span.Trim();

    private static bool Matches(ReadOnlySpan<char> value, string[] candidates)
    {
        foreach (string c in candidates)
        {
            if (value.Equals(c, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private struct Book
    {
        public long BidPrice;
        public long BidSize;
        public long AskPrice;
        public long AskSize;
    }

    private sealed class QuoteBooks
    {
        private Book[] _books = new Book[16];

        public ref Book Get(int id)
        {
            if (id >= _books.Length)
            {
                Array.Resize(ref _books, Math.Max(id + 1, _books.Length * 2));
            }

            return ref _books[id];
        }
    }

    private sealed class Columns
    {
        public Columns(GenericCsvMapping m, CsvHeader? header, string file)
        {
            Time = Resolve(m.Time, "time", header, file);
            ReceiveTime = Resolve(m.ReceiveTime, "receiveTime", header, file);
            Symbol = Resolve(m.Symbol, "symbol", header, file);
            Price = Resolve(m.Price, "price", header, file);
            Size = Resolve(m.Size, "size", header, file);
            Bid = Resolve(m.Bid, "bid", header, file);
            BidSize = Resolve(m.BidSize, "bidSize", header, file);
            Ask = Resolve(m.Ask, "ask", header, file);
            AskSize = Resolve(m.AskSize, "askSize", header, file);
            Side = Resolve(m.Side, "side", header, file);
            Kind = Resolve(m.Kind, "kind", header, file);
            Max = Math.Max(Math.Max(Math.Max(Time, ReceiveTime), Math.Max(Symbol, Price)), Math.Max(Math.Max(Math.Max(Size, Bid), Math.Max(BidSize, Ask)), Math.Max(Math.Max(AskSize, Side), Kind)));
        }

        public int Time { get; }

        public int ReceiveTime { get; }

        public int Symbol { get; }

        public int Price { get; }

        public int Size { get; }

        public int Bid { get; }

        public int BidSize { get; }

        public int Ask { get; }

        public int AskSize { get; }

        public int Side { get; }

        public int Kind { get; }

        public int Max { get; }

        private static int Resolve(string? spec, string role, CsvHeader? header, string file)
        {
            if (string.IsNullOrWhiteSpace(spec))
            {
                return -1;
            }

            if (int.TryParse(spec, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            {
                return index;
            }

            if (header is null)
            {
                throw new ImportException($"{file}: column mapping '{role}' = '{spec}' names a column, but the file has no header (use a 0-based index)");
            }

            int i = header.IndexOf(spec);
            return i >= 0 ? i : throw new ImportException($"{file}:1: header has no column '{spec}' (mapped as '{role}'); columns: {string.Join(',', header.Names)}");
        }
    }
}
