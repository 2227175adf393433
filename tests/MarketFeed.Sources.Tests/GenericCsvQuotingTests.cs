using MarketFeed.Core;
using MarketFeed.Sources.Import;
using MarketFeed.Sources.TickLog;

using MarketFeed.Testing;

namespace MarketFeed.Sources.Tests;

/// <summary>RFC 4180 quoting in the generic CSV importer (docs/import.md, "Quoting").</summary>
public sealed class GenericCsvQuotingTests : IDisposable
{
    private const long T0 = 1_700_000_000_000L * 1_000_000;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void QuotedFields_DelimiterAndEscapedQuotesInside_ImportExactly()
    {
        // Venue (unmapped) and symbol hold the delimiter, so an unaware splitter shifts every later
        // column; "" is one quote; blanks around a quoted field are ignored; the header is quoted.
        string csv = _dir.File("quoted.csv");
        File.WriteAllLines(csv,
        [
            "\"venue\",\"sym\",\"kind\",\"ts\",\"px\",\"qty\",\"bid\",\"ask\",\"note\"",
            "\"NYSE, Arca\",\"BRK,B\",T,1700000000000,\"412.50\",10,,,\"said \"\"hi\"\", twice\"",
            "\"NYSE, Arca\",\"BRK,B\",\"Q\",1700000000100,,,\"412.40\",\"412.60\",",
            " \"XNAS\" , \"odd\"\"q\" ,\"t\",1700000000200,\"7.25\",\"3\",,,plain",
        ]);
        var mapping = new GenericCsvMapping
        {
            Time = "ts", Symbol = "sym", Kind = "kind", Price = "px", Size = "qty", Bid = "bid", Ask = "ask", TimeFormat = "ms",
        };

        var imported = GenericCsvImporter.Read([csv], mapping);

        Assert.Equal(0, imported.BadRows);
        Assert.Equal([new TickLogSymbol("BRK,B", 2, 0), new TickLogSymbol("ODD\"Q", 2, 0)], imported.Symbols);
        Assert.Equal(3, imported.Ticks.Count);
        var t = imported.Ticks;
        Assert.Equal((0, TickKind.Trade, T0, 41_250L, 10L), (t[0].SymbolId, t[0].Kind, t[0].Timestamp, t[0].Price, t[0].Size));
        Assert.Equal((0, TickKind.Quote, T0 + 100_000_000, 41_240L, 41_260L), (t[1].SymbolId, t[1].Kind, t[1].Timestamp, t[1].BidPrice, t[1].AskPrice));
        Assert.Equal((1, TickKind.Trade, T0 + 200_000_000, 725L, 3L), (t[2].SymbolId, t[2].Kind, t[2].Timestamp, t[2].Price, t[2].Size));
    }

    [Fact]
    public void QuotedHeader_NamesWithDelimiterAndEscapedQuote_AreMapped()
    {
        string csv = _dir.File("header.csv");
        File.WriteAllLines(csv, ["\"time, utc\",\"sym \"\"root\"\"\",price", "1700000000000,A,1.5"]);
        var mapping = new GenericCsvMapping { Time = "time, utc", Symbol = "sym \"root\"", Price = "price", TimeFormat = "ms" };

        var imported = GenericCsvImporter.Read([csv], mapping);

        Assert.Equal(0, imported.BadRows);
        Assert.Equal((T0, 150L), (imported.Ticks[0].Timestamp, imported.Ticks[0].Price));
    }

    [Fact]
    public void QuotedHeader_Unterminated_FailsWithFileAndLine()
    {
        string csv = _dir.File("badheader.csv");
        File.WriteAllLines(csv, ["\"t,s,p", "1000,A,1.5"]);
        var mapping = new GenericCsvMapping { Time = "0", Symbol = "1", Price = "2" };

        var ex = Assert.Throws<ImportException>(() => GenericCsvImporter.Read([csv], mapping));

        Assert.StartsWith($"{csv}:1:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("unterminated quoted field", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(";")]
    [InlineData("tab")]
    public void QuotedFields_OtherDelimiters_DelimiterInsideQuotesIsLiteral(string delimiter)
    {
        string d = delimiter == "tab" ? "\t" : delimiter;
        string csv = _dir.File("other.csv");
        File.WriteAllLines(csv,
        [
            $"time{d}\"sym{d}bol\"{d}px",
            $"1700000000000{d} \"A{d}B \"\"x\"\"\" {d}\"1.5\"",
            $"1700000000001{d}C{d}2",
        ]);
        var mapping = new GenericCsvMapping { Delimiter = delimiter, Time = "time", Symbol = $"sym{d}bol", Price = "px", TimeFormat = "ms" };

        var imported = GenericCsvImporter.Read([csv], mapping);

        Assert.Equal(0, imported.BadRows);
        Assert.Equal([$"A{d}B \"X\"", "C"], imported.Symbols.Select(s => s.Name));
        Assert.Equal((0, 150L), (imported.Ticks[0].SymbolId, imported.Ticks[0].Price));
        Assert.Equal((1, 200L), (imported.Ticks[1].SymbolId, imported.Ticks[1].Price));
    }

    [Fact]
    public void QuotedField_SpanningLines_IsOneRow_AndLineNumbersStayRight()
    {
        // CRLF line ends; the second multi-line note contains an empty line.
        string csv = _dir.File("multiline.csv");
        File.WriteAllText(csv, string.Join("\r\n",
        [
            "t,s,p,q,note",
            "1000,A,1.5,1,\"first line",
            "second, line\"",
            "1001,A,bad,1,x",
            "\"1002\",\"B\",\"2.5\",\"3\",\"multi",
            string.Empty,
            "line \"\"note\"\"\"",
            "1003,A,oops,1,",
            "1004,A,3,1,",
        ]));
        var mapping = new GenericCsvMapping { Time = "t", Symbol = "s", Price = "p", Size = "q", TimeFormat = "ms" };

        var imported = GenericCsvImporter.Read([csv], mapping);

        Assert.Equal(5, imported.RowsRead);
        Assert.Equal([4L, 8L], imported.Errors.Select(e => e.Line));
        Assert.Equal(
            [(1000_000_000L, "A", 150L, 1L), (1002_000_000L, "B", 250L, 3L), (1004_000_000L, "A", 300L, 1L)],
            Ticks(imported).Select(x => (x.Timestamp, imported.Symbols[x.SymbolId].Name, x.Price, x.Size)));
    }

    [Fact]
    public void UnterminatedQuote_SkipMode_ReportsFileAndLine_AndReadsTheFollowingLines()
    {
        // Line 3's quote never closes: read on, the next quote (line 5) is followed by 'C', not by
        // a delimiter. Only line 3 is rejected; lines 4 and 5 are read as rows of their own.
        string csv = _dir.File("unterminated.csv");
        File.WriteAllLines(csv,
        [
            "t,s,p,q",
            "1000,A,1.5,1",
            "1001,\"B,1.5,1",
            "1002,A,2,1",
            "1003,\"C\",2.5,1",
            "1004,A,3,1",
        ]);
        var mapping = new GenericCsvMapping { Time = "t", Symbol = "s", Price = "p", Size = "q", TimeFormat = "ms" };

        var result = Importer.ImportGenericCsv([csv], mapping, _dir.File("unterminated.mflog"), new ImportOptions { MaxBadRowFraction = 1 });

        Assert.Equal(1, result.BadRows);
        var error = Assert.Single(result.Errors);
        Assert.Equal((csv, 3L), (error.File, error.Line));
        Assert.Contains("unterminated quoted field", error.Reason, StringComparison.Ordinal);
        Assert.Contains($"{csv}:3: unterminated quoted field", result.Summary(), StringComparison.Ordinal);
        Assert.Equal(4, result.TicksWritten);
        using var reader = TickLogReader.Open(_dir.File("unterminated.mflog"));
        Assert.Equal(["A", "C"], reader.Symbols.Select(s => s.Name));
    }

    [Fact]
    public void UnterminatedQuote_AtEndOfFile_SkipMode_LaterLinesStillImported()
    {
        string csv = _dir.File("eof.csv");
        File.WriteAllLines(csv, ["t,s,p,q,note", "1000,A,1.5,1,", "1001,A,2,1,\"unclosed note", "1002,A,2.5,1,"]);
        var mapping = new GenericCsvMapping { Time = "t", Symbol = "s", Price = "p", Size = "q", TimeFormat = "ms" };

        var imported = GenericCsvImporter.Read([csv], mapping);

        var error = Assert.Single(imported.Errors);
        Assert.Equal(3, error.Line);
        Assert.Contains("unterminated quoted field", error.Reason, StringComparison.Ordinal);
        Assert.Equal([150L, 250L], Ticks(imported).Select(x => x.Price));
    }

    [Fact]
    public void UnterminatedQuote_AtEndOfFile_AbortMode_ThrowsWithFileAndLine()
    {
        string csv = _dir.File("abort.csv");
        File.WriteAllLines(csv, ["t,s,p,q,note", "1000,A,1.5,1,", "1001,A,2,1,\"unclosed note", "1002,A,2.5,1,"]);
        var mapping = new GenericCsvMapping { Time = "t", Symbol = "s", Price = "p", Size = "q", TimeFormat = "ms" };

        var ex = Assert.Throws<ImportException>(() => GenericCsvImporter.Read([csv], mapping, new ImportOptions { ErrorPolicy = ImportErrorPolicy.Abort }));

        Assert.Equal((csv, 3L), (ex.File, ex.Line));
        Assert.Contains("unterminated quoted field", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QuotedFieldsSpanningLines_AcrossReadBufferBoundaries_AllRowsImported()
    {
        // About 600 KB: many multi-line records straddle the reader's 64 K buffer refills.
        const int rows = 10_000;
        string csv = _dir.File("big.csv");
        using (var w = new StreamWriter(csv))
        {
            w.WriteLine("t,s,p,q,note");
            for (int i = 0; i < rows; i++)
            {
                w.WriteLine($"{1000 + i},\"S{i % 7}\",{i % 100 + 1}.25,{i},\"row {i},\nsays \"\"hi\"\"\n  and more text to pad the record out\"");
            }

            w.WriteLine("oops,A,1,1,");
        }

        var mapping = new GenericCsvMapping { Time = "t", Symbol = "s", Price = "p", Size = "q", TimeFormat = "ms" };

        var imported = GenericCsvImporter.Read([csv], mapping);

        var error = Assert.Single(imported.Errors);
        Assert.Equal(2 + (3L * rows), error.Line);
        Assert.Equal(rows, imported.Ticks.Count);
        for (int i = 0; i < rows; i++)
        {
            var t = imported.Ticks[i];
            Assert.Equal(((1000L + i) * 1_000_000, $"S{i % 7}", ((i % 100) + 1) * 100L + 25, (long)i), (t.Timestamp, imported.Symbols[t.SymbolId].Name, t.Price, t.Size));
        }
    }

    [Fact]
    public void UnterminatedQuote_LookAheadPastLimit_LaterLinesStillImported()
    {
        // Over 1 M characters follow the stray quote without another quote: the look-ahead gives
        // up at CsvQuotedSplitter.MaxRecordChars, having compacted and grown the read buffer on
        // the way, and every line after the bad one is read again as a row.
        const int rows = 60_000;
        string csv = _dir.File("runaway.csv");
        using (var w = new StreamWriter(csv))
        {
            w.WriteLine("t,s,p,q,pad");
            for (int i = 0; i < 100; i++)
            {
                w.WriteLine($"{i},A,1,1");
            }

            w.WriteLine("100,\"B,1,1");
            for (int i = 101; i <= rows; i++)
            {
                w.WriteLine($"{i},A,2,1,padding to pass the limit");
            }
        }

        var mapping = new GenericCsvMapping { Time = "t", Symbol = "s", Price = "p", Size = "q", TimeFormat = "ms" };

        var imported = GenericCsvImporter.Read([csv], mapping);

        var error = Assert.Single(imported.Errors);
        Assert.Equal(102, error.Line);
        Assert.Contains("unterminated quoted field (field 2: no closing quote within", error.Reason, StringComparison.Ordinal);
        Assert.Equal(rows, imported.Ticks.Count);
        Assert.Equal(rows * 1_000_000L, imported.Ticks[rows - 1].Timestamp);
        Assert.Equal(rows + 1, imported.RowsRead);
    }

    [Fact]
    public void StrayQuoteInUnquotedField_IsLiteral()
    {
        // The rows also hold a quoted venue with the delimiter in it, so they take the quoting path.
        string csv = _dir.File("stray.csv");
        File.WriteAllLines(csv, ["t,venue,s,p,q", "1000,\"X, Y\",AB\"C,1.5,1", "1001,\"X, Y\",5\",2,1"]);
        var mapping = new GenericCsvMapping { Time = "t", Symbol = "s", Price = "p", Size = "q", TimeFormat = "ms" };

        var imported = GenericCsvImporter.Read([csv], mapping);

        Assert.Equal(0, imported.BadRows);
        Assert.Equal(["AB\"C", "5\""], imported.Symbols.Select(s => s.Name));
    }

    [Fact]
    public void TextAfterClosingQuote_IsBadRow()
    {
        string csv = _dir.File("after.csv");
        File.WriteAllLines(csv, ["t,s,p,q", "1000,\"AB\"C,1.5,1", "1001,\"A\" ,1.5,1"]);
        var mapping = new GenericCsvMapping { Time = "t", Symbol = "s", Price = "p", Size = "q", TimeFormat = "ms" };

        var imported = GenericCsvImporter.Read([csv], mapping);

        var error = Assert.Single(imported.Errors);
        Assert.Equal(2, error.Line);
        Assert.Contains("followed by 'C'", error.Reason, StringComparison.Ordinal);
        Assert.Equal(["A"], imported.Symbols.Select(s => s.Name));
    }

    [Fact]
    public void Mapping_QuoteAsDelimiter_IsRejected()
    {
        string csv = _dir.File("q.csv");
        File.WriteAllLines(csv, ["t\"p", "1000\"1.5"]);
        var mapping = new GenericCsvMapping { Delimiter = "\"", Time = "t", Price = "p", DefaultSymbol = "A", TimeFormat = "ms" };

        var ex = Assert.Throws<ImportException>(() => GenericCsvImporter.Read([csv], mapping));

        Assert.Contains("delimiter cannot be a double quote", ex.Message, StringComparison.Ordinal);
    }

    private static List<Tick> Ticks(ImportedTicks imported) => [.. imported.Ticks.Span];
}
