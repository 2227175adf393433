using MarketFeed.Sources.Import;
using MarketFeed.Testing;

namespace MarketFeed.Sources.Tests;

/// <summary>
/// RFC 4180 edge cases of the importers' CSV reading (Sep behind CsvQuoteGuard; docs/import.md,
/// "Quoting"): line ends, empty fields, trailing separators, stray quotes, and bad lines in line
/// order with file:line.
/// </summary>
public sealed class CsvRfc4180EdgeCaseTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void LineEnds_LfCrLfAndLoneCr_SameTicksAndSameLineNumbers(string newline)
    {
        // Line 3 is bad (price: Sep's line count), line 5 holds a quoted field with a line break in
        // it, line 7 is bad (quoting: the guard's line count).
        string csv = _dir.File("ends.csv");
        File.WriteAllText(csv, string.Join(newline, ["t,s,p,note", "1000,A,1.5,", "1001,A,x,", "1002,A,2.5,\"two", "lines\"", "1003,A,3,", "1004,\"A\"y,5,", "1005,A,4,"]) + newline);

        var imported = GenericCsvImporter.Read([csv], Mapping(), new ImportOptions { MaxBadRowFraction = 1 });

        Assert.Equal([3L, 7L], imported.Errors.Select(e => e.Line));
        Assert.Equal([150L, 250L, 300L, 400L], imported.Ticks.Span.ToArray().Select(t => t.Price));
        Assert.Equal(6, imported.RowsRead);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void LineEnds_LargeFile_LineNumbersStayRightAcrossReadBuffers(string newline)
    {
        // About 3 MB: line breaks (a CRLF's two halves too) fall on many 64 K buffer ends. Every
        // 1,000th row holds a quoted field; the bad rows are near the end, one per line count.
        const int rows = 100_000;
        string csv = _dir.File("large.csv");
        using (var w = new StreamWriter(csv))
        {
            w.Write("t,s,p,note" + newline);
            for (int i = 0; i < rows; i++)
            {
                w.Write(i % 1000 == 0 ? $"{1000 + i},A,1,\"q, {i}\"{newline}" : $"{1000 + i},A,1,padding text {i}{newline}");
            }

            w.Write("5,A,x," + newline + "6,\"A\"x,1," + newline + "7,A,1," + newline);
        }

        var imported = GenericCsvImporter.Read([csv], Mapping(), new ImportOptions { MaxBadRowFraction = 1 });

        Assert.Equal([rows + 2L, rows + 3L], imported.Errors.Select(e => e.Line));
        Assert.Equal(rows + 1, imported.Ticks.Count);
    }

    [Fact]
    public void CrLf_SplitByTheFirstReadBuffer_CountsAsOneLineBreak()
    {
        // The guard reads 65,536 characters first (ASCII, no quote in them): the CR of row N is the
        // last of them, its LF the first of the next read. Line numbers after it must stay right.
        string csv = _dir.File("split.csv");
        var text = new System.Text.StringBuilder("t,s,p,note\r\n");
        int row = 0;
        while (text.Length < 65_536 - 100)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{1000 + row++},A,1,x\r\n");
        }

        string head = $"{1000 + row++},A,1,";
        int padding = 65_536 - 1 - text.Length - head.Length;
        text.Append(head).Append('y', padding).Append("\r\n");
        Assert.Equal('\r', text[65_535]);
        text.Append("1,\"A\"x,1,\r\n2,A,z,\r\n3,A,1,\r\n");
        File.WriteAllText(csv, text.ToString());

        var imported = GenericCsvImporter.Read([csv], Mapping(), new ImportOptions { MaxBadRowFraction = 1 });

        Assert.Equal([row + 2L, row + 3L], imported.Errors.Select(e => e.Line));
        Assert.Equal(row + 1, imported.Ticks.Count);
    }

    [Fact]
    public void EmptyFields_QuotedOrNot_AreEmpty_AndKeepTheBookSide()
    {
        string csv = _dir.File("empty.csv");
        File.WriteAllLines(csv, ["t,s,bid,ask", "1000,A,1.5,1.6", "1001,A,\"\",1.7", "1002,A,,\"\"", "1003,A,  \"\"  ,1.8", "1004,\"\",1,2"]);

        var imported = GenericCsvImporter.Read([csv], new GenericCsvMapping { Time = "t", Symbol = "s", Bid = "bid", Ask = "ask", TimeFormat = "ms" }, new ImportOptions { MaxBadRowFraction = 1 });

        var error = Assert.Single(imported.Errors);
        Assert.Equal((6L, "empty symbol"), (error.Line, error.Reason));
        Assert.Equal(
            [(150L, 160L), (150L, 170L), (150L, 170L), (150L, 180L)],
            imported.Ticks.Span.ToArray().Select(t => (t.BidPrice, t.AskPrice)));
    }

    [Fact]
    public void TrailingSeparator_IsAnEmptyLastField_IgnoredWhenUnmapped_CountedByTardis()
    {
        string generic = _dir.File("trailing.csv");
        File.WriteAllLines(generic, ["t,s,p,", "1000,A,1.5,", "1001,\"B\",2.5,\"\","]);
        var imported = GenericCsvImporter.Read([generic], new GenericCsvMapping { Time = "t", Symbol = "s", Price = "p", TimeFormat = "ms" });
        Assert.Equal(0, imported.BadRows);
        Assert.Equal([150L, 250L], imported.Ticks.Span.ToArray().Select(t => t.Price));

        // Tardis checks the column count against the header: one separator too many is a bad row.
        string tardis = _dir.File("tardis.csv");
        File.WriteAllLines(tardis,
        [
            "exchange,symbol,timestamp,local_timestamp,id,side,price,amount",
            "binance,BTCUSDT,1600000000000000,1600000000000100,1,buy,100.5,0.25",
            "binance,BTCUSDT,1600000000001000,1600000000001100,2,sell,100.75,0.5,",
        ]);
        var t = TardisCsvImporter.Read([tardis], new TardisImportOptions { PriceDecimals = 2, SizeDecimals = 2, MaxBadRowFraction = 1 });
        var error = Assert.Single(t.Errors);
        Assert.Equal((3L, "expected 8 columns, found 9"), (error.Line, error.Reason));
    }

    [Fact]
    public void StrayQuoteMidField_IsLiteral_AndDoesNotJoinTheFollowingLines()
    {
        // Sep alone would open a quoted field at 5" and read on through the next lines. No other
        // quote on the row: the literal quote alone takes the row to the guard.
        string csv = _dir.File("inches.csv");
        File.WriteAllLines(csv, ["t,s,p,note", "1000,A,1.5,5\" screen", "1001,A,2.5,plain", "1002,\"B\",3.5,\"x, \"\"y\"\"\"", "1003,C\"D,4.5,\"multi", "line\"", "1004,A,5.5,"]);

        var imported = GenericCsvImporter.Read([csv], Mapping());

        Assert.Equal(0, imported.BadRows);
        Assert.Equal(5, imported.RowsRead);
        Assert.Equal(
            [("A", 150L), ("A", 250L), ("B", 350L), ("C\"D", 450L), ("A", 550L)],
            imported.Ticks.Span.ToArray().Select(t => (imported.Symbols[t.SymbolId].Name, t.Price)));
    }

    [Fact]
    public void StrayQuotes_ManyRows_AcrossReadBufferBoundaries_AllLiteral()
    {
        // About 900 KB of rows with literal quotes and quoted fields: many straddle the 64 K buffers.
        const int rows = 20_000;
        string csv = _dir.File("many.csv");
        using (var w = new StreamWriter(csv))
        {
            w.WriteLine("t,s,p,note");
            for (int i = 0; i < rows; i++)
            {
                w.Write($"{1000 + i},S{i % 5}\"{i % 3},{(i % 100) + 1}.5,{i}\" wide and \"\"quoted\"\" text,\"kept, \"\"as is\"\"\"\n");
            }
        }

        var imported = GenericCsvImporter.Read([csv], Mapping());

        Assert.Equal(0, imported.BadRows);
        Assert.Equal(rows, imported.Ticks.Count);
        for (int i = 0; i < rows; i++)
        {
            var t = imported.Ticks[i];
            Assert.Equal(($"S{i % 5}\"{i % 3}", (((i % 100) + 1) * 100L) + 50), (imported.Symbols[t.SymbolId].Name, t.Price));
        }
    }

    [Fact]
    public void BadLines_AreReportedInLineOrder_AmongOtherBadRows()
    {
        // Line 2: bad price; line 3: unterminated quote (found by the guard, ahead of Sep); line 4: bad price.
        string csv = _dir.File("order.csv");
        File.WriteAllLines(csv, ["t,s,p", "1000,A,x", "1001,\"A,1", "1002,A,y", "1003,A,2"]);

        var imported = GenericCsvImporter.Read([csv], Mapping(), new ImportOptions { MaxBadRowFraction = 1 });
        Assert.Equal([2L, 3L, 4L], imported.Errors.Select(e => e.Line));
        Assert.Equal(4, imported.RowsRead);

        File.WriteAllLines(csv, ["t,s,p", "1000,A,1", "1001,\"A,1", "1002,A,y", "1003,A,2"]);
        var ex = Assert.Throws<ImportException>(() => GenericCsvImporter.Read([csv], Mapping(), new ImportOptions { ErrorPolicy = ImportErrorPolicy.Abort }));
        Assert.Equal((csv, 3L), (ex.File, ex.Line));
    }

    [Fact]
    public void BadLastLine_WithoutLineBreak_IsReported()
    {
        string csv = _dir.File("last.csv");
        File.WriteAllText(csv, "t,s,p\n1000,A,1\n1001,A,2\n1002,\"A\"B,3");

        var imported = GenericCsvImporter.Read([csv], Mapping(), new ImportOptions { MaxBadRowFraction = 1 });

        var error = Assert.Single(imported.Errors);
        Assert.Equal(4, error.Line);
        Assert.Contains("quoted field 2 is followed by 'B'", error.Reason, StringComparison.Ordinal);
        Assert.Equal(3, imported.RowsRead);
    }

    [Fact]
    public void QuotedHeaderName_SpanningLines_FailsWithFileAndLine()
    {
        string csv = _dir.File("header.csv");
        File.WriteAllLines(csv, ["t,\"s", "ym\",p", "1000,A,1"]);

        var ex = Assert.Throws<ImportException>(() => GenericCsvImporter.Read([csv], new GenericCsvMapping { Time = "t", Symbol = "s\nym", Price = "p", TimeFormat = "ms" }));

        Assert.StartsWith($"{csv}:1: header: a quoted name spans lines", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Delimiter_NotSupportedBySep_IsAClearError()
    {
        string csv = _dir.File("hash.csv");
        File.WriteAllLines(csv, ["t#s#p", "1000#A#1"]);

        var ex = Assert.Throws<ImportException>(() => GenericCsvImporter.Read([csv], new GenericCsvMapping { Delimiter = "#", Time = "t", Symbol = "s", Price = "p", TimeFormat = "ms" }));

        Assert.StartsWith($"{csv}: delimiter '#' is not supported", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tardis_QuotedFieldsAreUnescaped_AndAStrayQuoteCostsOneRow()
    {
        string csv = _dir.File("tardis.csv");
        File.WriteAllLines(csv,
        [
            "exchange,symbol,timestamp,local_timestamp,id,side,price,amount",
            "binance,\"BTCUSDT\",1600000000000000,1600000000000100,1,buy,\"100.5\",0.25",
            "binance,\"BTCUSDT,1600000000001000,1600000000001100,2,sell,100.75,0.5",
            "binance,BTCUSDT,1600000000002000,1600000000002100,3,sell,101,0.5",
            "binance,\"BTCUSDT\",1600000000003000,1600000000003100,4,buy,102,0.75",
        ]);

        var imported = TardisCsvImporter.Read([csv], new TardisImportOptions { PriceDecimals = 2, SizeDecimals = 2, MaxBadRowFraction = 1 });

        var error = Assert.Single(imported.Errors);
        Assert.Equal(3, error.Line);
        Assert.Contains("unterminated quoted field", error.Reason, StringComparison.Ordinal);
        Assert.Equal(["BTCUSDT"], imported.Symbols.Select(s => s.Name));
        Assert.Equal([10_050L, 10_100L, 10_200L], imported.Ticks.Span.ToArray().Select(t => t.Price));
    }

    [Fact]
    public void Lean_QuoteIsAnOrdinaryCharacter_TheRowIsBad_TheNextRowsImport()
    {
        // Lean files have no quoting: a quote (a corrupt byte) makes its row bad and nothing more.
        string csv = _dir.File("20131007_trade.csv");
        File.WriteAllLines(csv, ["34200000,1815200,100,P,0,0", "34200001,18\"5200,100,P,0,0", "34200002,1815300,200,P,0,0", "34200003,1815400,\"300,P,0,0", "34200004,1815500,400,P,0,0"]);

        var imported = LeanAlgoSeekImporter.Read([csv], new LeanImportOptions { Symbol = "IBM", MaxBadRowFraction = 1 });

        Assert.Equal([2L, 4L], imported.Errors.Select(e => e.Line));
        Assert.Equal([100L, 200L, 400L], imported.Ticks.Span.ToArray().Select(t => t.Size));
    }

    private static GenericCsvMapping Mapping() => new() { Time = "t", Symbol = "s", Price = "p", TimeFormat = "ms" };
}
