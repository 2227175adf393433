using MarketFeed.Core;
using MarketFeed.Sources.Import;
using MarketFeed.Sources.TickLog;

using MarketFeed.Testing;

namespace MarketFeed.Sources.Tests;

public sealed class GenericCsvImportTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void UnusualLayout_SemicolonShuffledColumnsLocalTime_ImportsExactly()
    {
        // Semicolon delimiter, quoted fields, columns shuffled, time as Berlin local text
        // (CEST, UTC+2 in June), decimal comma-free prices, a kind column, one-sided quotes.
        string csv = _dir.File("weird.csv");
        File.WriteAllLines(csv,
        [
            "qty;side;\"px\";kind;when;bidpx;sym;askpx;bidqty;askqty",
            "; ;;Q;15.06.2021 09:00:00.000;100.25;\"SAP\";100.30;5;7",
            "12;B;100.30;T;15.06.2021 09:00:00.250;;SAP;;;",
            ";;;Q;15.06.2021 09:00:00.500;100.26;SAP;;9;",
            "3;S;100.26;T;15.06.2021 09:00:01.000;;SAP;;;",
            "1;;55.5;T;15.06.2021 09:00:00.100;;DTE;;;",
        ]);
        var mapping = GenericCsvMapping.FromJson("""
            {
              "delimiter": ";",
              "time": "when", "timeFormat": "dd.MM.yyyy HH:mm:ss.fff", "timeZone": "Europe/Berlin",
              "symbol": "sym", "price": "px", "size": "qty", "side": "side", "kind": "kind",
              "bid": "bidpx", "bidSize": "bidqty", "ask": "askpx", "askSize": "askqty",
              "priceDecimals": 2, "sizeDecimals": 0,
              "symbolScales": [ { "name": "DTE", "priceDecimals": 3, "sizeDecimals": 0 } ]
            }
            """);
        string output = _dir.File("weird.mflog");
        var result = Importer.ImportGenericCsv([csv], mapping, output);
        Assert.Equal(0, result.BadRows);

        using var reader = TickLogReader.Open(output);
        Assert.Equal([new TickLogSymbol("SAP", 2, 0), new TickLogSymbol("DTE", 3, 0)], reader.Symbols);
        var ticks = reader.ReadAllTicks();
        Assert.Equal(5, ticks.Count);
        long t0 = UnixTime.FromDateTimeOffset(new DateTimeOffset(2021, 6, 15, 7, 0, 0, TimeSpan.Zero));

        Assert.Equal((TickKind.Quote, t0, 10025L, 5L, 10030L, 7L, 1L), (ticks[0].Kind, ticks[0].Timestamp, ticks[0].BidPrice, ticks[0].BidSize, ticks[0].AskPrice, ticks[0].AskSize, ticks[0].Sequence));
        Assert.Equal((1, TickKind.Trade, t0 + 100_000_000, 55_500L, 1L), (ticks[1].SymbolId, ticks[1].Kind, ticks[1].Timestamp, ticks[1].Price, ticks[1].Size));
        Assert.Equal((TickKind.Trade, 10030L, 12L, TradeSide.Buy, 12L, 2L), (ticks[2].Kind, ticks[2].Price, ticks[2].Size, ticks[2].Side, ticks[2].CumulativeVolume, ticks[2].Sequence));

        // One-sided update: bid changed, ask carried forward.
        Assert.Equal((10026L, 9L, 10030L, 7L), (ticks[3].BidPrice, ticks[3].BidSize, ticks[3].AskPrice, ticks[3].AskSize));
        Assert.Equal((TradeSide.Sell, 15L, 2L), (ticks[4].Side, ticks[4].CumulativeVolume, ticks[4].TradeCount));
    }

    [Fact]
    public void NoHeader_IndexColumns_EpochSecondsWithFraction_DefaultSymbol()
    {
        string csv = _dir.File("plain.txt");
        File.WriteAllLines(csv, ["1700000000.5\t42.125\t3", "1700000001\t42.25\t4"]);
        var mapping = new GenericCsvMapping
        {
            Delimiter = "tab",
            HasHeader = false,
            Time = "0",
            Price = "1",
            Size = "2",
            TimeFormat = "s",
            DefaultSymbol = "xyz",
            PriceDecimals = 3,
        };
        var imported = GenericCsvImporter.Read([csv], mapping);
        Assert.Equal("XYZ", imported.Symbols[0].Name);
        Assert.Equal(1_700_000_000_500_000_000, imported.Ticks[0].Timestamp);
        Assert.Equal(42_125, imported.Ticks[0].Price);
        Assert.Equal(7, imported.Ticks[1].CumulativeVolume);
    }

    [Fact]
    public void BadRows_SkipMode_CountsListsAndSummarises()
    {
        string csv = _dir.File("bad.csv");
        File.WriteAllLines(csv,
        [
            "t,s,p,q",
            "1000,A,1.5,1",
            "not-a-time,A,1.5,1",
            "1002,A,1.555,1",
            "1003,A",
            "1004,A,2,1",
        ]);
        var mapping = new GenericCsvMapping { Time = "t", Symbol = "s", Price = "p", Size = "q", TimeFormat = "ms", PriceDecimals = 2 };
        var result = Importer.ImportGenericCsv([csv], mapping, _dir.File("bad.mflog"), new ImportOptions { MaxBadRowFraction = 1 });
        Assert.Equal(3, result.BadRows);
        Assert.Equal(2, result.TicksWritten);
        Assert.Equal([3L, 4L, 5L], result.Errors.Select(e => e.Line));
        string summary = result.Summary();
        Assert.Contains($"{csv}:3:", summary, StringComparison.Ordinal);
        Assert.Contains("3 bad row(s) skipped", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void BadRows_AbortMode_ThrowsAtFirstBadLine()
    {
        string csv = _dir.File("abort.csv");
        File.WriteAllLines(csv, ["t,s,p,q", "1000,A,1.5,1", "1001,A,-3,1"]);
        var mapping = new GenericCsvMapping { Time = "t", Symbol = "s", Price = "p", Size = "q" };
        var ex = Assert.Throws<ImportException>(() => GenericCsvImporter.Read([csv], mapping, new ImportOptions { ErrorPolicy = ImportErrorPolicy.Abort }));
        Assert.Equal(csv, ex.File);
        Assert.Equal(3, ex.Line);
    }

    [Fact]
    public void Mapping_UnknownColumn_FailsWithColumnList()
    {
        string csv = _dir.File("cols.csv");
        File.WriteAllLines(csv, ["a,b", "1,2"]);
        var mapping = new GenericCsvMapping { Time = "a", Price = "nope", DefaultSymbol = "X" };
        var ex = Assert.Throws<ImportException>(() => GenericCsvImporter.Read([csv], mapping));
        Assert.Contains("nope", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mapping_RoundTripsThroughJsonFile()
    {
        var mapping = new GenericCsvMapping { Delimiter = ";", Time = "ts", Price = "3", TimeFormat = "yyyy-MM-dd HH:mm:ss", TimeZone = "America/New_York", DefaultSymbol = "Q", PriceDecimals = 4 };
        string path = _dir.File("map.json");
        File.WriteAllText(path, mapping.ToJson());
        var back = GenericCsvMapping.Load(path);
        Assert.Equal((";", "ts", "3", "yyyy-MM-dd HH:mm:ss", "America/New_York", "Q", 4), (back.Delimiter, back.Time, back.Price, back.TimeFormat, back.TimeZone, back.DefaultSymbol, back.PriceDecimals));
    }
}
