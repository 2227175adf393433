using System.IO.Compression;
using MarketFeed.Core;
using MarketFeed.Sources.Import;
using MarketFeed.Sources.TickLog;
using MarketFeed.Testing;

namespace MarketFeed.Sources.Tests;

public sealed class LeanImportTests : IDisposable
{
    private static readonly string IbmTrades = Path.Combine(TestPaths.SharedData, "lean-algoseek", "ibm", "20131007_trade.zip");
    private static readonly string IbmQuotes = Path.Combine(TestPaths.SharedData, "lean-algoseek", "ibm", "20131007_quote.zip");
    private static readonly string BacTrades = Path.Combine(TestPaths.SharedData, "lean-algoseek", "bac", "20131007_trade.zip");
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Ibm_TradesAndQuotes_ReadBackMatchesPlainCsvRead()
    {
        string output = _dir.File("ibm-20131007.mflog");
        var progress = new List<ImportProgress>();
        var result = Importer.ImportLean([IbmTrades, IbmQuotes], output, new LeanImportOptions { Progress = new SyncProgress(progress) });

        // Independent plain read of the CSVs.
        var tradeRows = ReadZipLines(IbmTrades).Select(l => l.Split(',')).ToList();
        var quoteRows = ReadZipLines(IbmQuotes).Select(l => l.Split(',')).ToList();
        long expectedVolume = tradeRows.Sum(f => long.Parse(f[2]));
        long bid = 0, bidSize = 0, ask = 0, askSize = 0;
        foreach (var f in quoteRows)
        {
            if (f[1] != "0" || f[2] != "0")
            {
                bid = long.Parse(f[1]);
                bidSize = long.Parse(f[2]);
            }

            if (f[3] != "0" || f[4] != "0")
            {
                ask = long.Parse(f[3]);
                askSize = long.Parse(f[4]);
            }
        }

        Assert.Equal(0, result.BadRows);
        Assert.Equal(tradeRows.Count + quoteRows.Count, result.RowsRead);
        Assert.NotEmpty(progress);

        using var reader = TickLogReader.Open(output);
        var ticks = reader.ReadAllTicks();
        Assert.Empty(reader.Damage);
        var sym = Assert.Single(reader.Symbols);
        Assert.Equal(new TickLogSymbol("IBM", 4, 0), sym);

        var trades = ticks.Where(t => t.Kind == TickKind.Trade).ToList();
        Assert.Equal(tradeRows.Count, trades.Count);
        Assert.Equal(expectedVolume, trades.Sum(t => t.Size));
        Assert.Equal(expectedVolume, trades[^1].CumulativeVolume);
        Assert.Equal(trades.Count, trades[^1].TradeCount);

        var quotes = ticks.Where(t => t.Kind == TickKind.Quote).ToList();
        Assert.Equal(quoteRows.Count, quotes.Count);
        var last = quotes[^1];
        Assert.Equal((bid, bidSize, ask, askSize), (last.BidPrice, last.BidSize, last.AskPrice, last.AskSize));

        // Time order, contiguous sequence numbers.
        for (int i = 0; i < ticks.Count; i++)
        {
            Assert.Equal(i + 1, ticks[i].Sequence);
            Assert.True(i == 0 || ticks[i].Timestamp >= ticks[i - 1].Timestamp);
        }

        // 14400054 ms after midnight New York (EDT, UTC-4) on 2013-10-07 = 08:00:00.054 UTC.
        var firstQuote = quotes[0];
        Assert.Equal("2013-10-07T08:00:00.054000000Z", UnixTime.Format(firstQuote.Timestamp));
        Assert.Equal(1, ticks.Count(t => (t.Flags & TickFlags.Suspicious) != 0));
    }

    [Fact]
    public void Ibm_TiesAtTheSameMillisecond_KeepFileOrder()
    {
        var imported = LeanAlgoSeekImporter.Read([IbmTrades, IbmQuotes]);
        var span = imported.Ticks.Span;
        for (int i = 1; i < span.Length; i++)
        {
            // Trades file comes first: at equal time no quote precedes a trade.
            if (span[i].Timestamp == span[i - 1].Timestamp)
            {
                Assert.False(span[i - 1].Kind == TickKind.Quote && span[i].Kind == TickKind.Trade, $"quote before trade at index {i}");
            }
        }
    }

    [Fact]
    public void SkipSuspicious_DropsFlaggedRows_AndCountsThem()
    {
        var imported = LeanAlgoSeekImporter.Read([IbmQuotes], new LeanImportOptions { SkipSuspicious = true });
        int rows = ReadZipLines(IbmQuotes).Count;
        Assert.Equal(1, imported.SuspiciousSkipped);
        Assert.Equal(rows - 1, imported.Ticks.Count);
        foreach (ref readonly var t in imported.Ticks.Span)
        {
            Assert.Equal(TickFlags.None, t.Flags);
        }
    }

    [Fact]
    public void Bac_Trades_CountAndVolumeMatch()
    {
        string output = _dir.File("bac.mflog");
        var result = Importer.ImportLean([BacTrades], output);
        var rows = ReadZipLines(BacTrades).Select(l => l.Split(',')).ToList();

        using var reader = TickLogReader.Open(output);
        var ticks = reader.ReadAllTicks();
        Assert.Equal("BAC", reader.Symbols[0].Name);
        Assert.Equal(rows.Count, ticks.Count);
        Assert.Equal(88_172, ticks.Count);
        Assert.Equal(rows.Sum(f => long.Parse(f[2])), ticks.Sum(t => t.Size));
        Assert.Equal(rows.Count, result.Trades);
        Assert.True(result.RowsPerSecond > 0);
    }

    [Fact]
    public void BadRows_SkipMode_CountsAndReportsLineNumbers()
    {
        string csv = _dir.File("20131007_xyz_Trade_Tick.csv");
        File.WriteAllLines(csv, ["34200000,1815200,100,P,0,0", "oops,1,2,P,0,0", "34200001,1815300,50,P,0", "34200002,1815400,10,P,0,0"]);
        var imported = LeanAlgoSeekImporter.Read([csv]);
        Assert.Equal(2, imported.Ticks.Count);
        Assert.Equal(2, imported.BadRows);
        Assert.Equal([2L, 3L], imported.Errors.Select(e => e.Line));
        Assert.All(imported.Errors, e => Assert.Equal(csv, e.File));
        Assert.Equal("XYZ", imported.Symbols[0].Name);
    }

    [Fact]
    public void BadRows_AbortMode_ThrowsWithFileAndLine()
    {
        string csv = _dir.File("20131007_xyz_Trade_Tick.csv");
        File.WriteAllLines(csv, ["34200000,1815200,100,P,0,0", "34200000,1815200,100,P,0,0", "34200001,abc,50,P,0,0"]);
        var ex = Assert.Throws<ImportException>(() => LeanAlgoSeekImporter.Read([csv], new LeanImportOptions { ErrorPolicy = ImportErrorPolicy.Abort }));
        Assert.Equal(3, ex.Line);
        Assert.StartsWith(csv + ":3:", ex.Message, StringComparison.Ordinal);
    }

    internal static List<string> ReadZipLines(string zipPath)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        using var reader = new StreamReader(zip.Entries[0].Open());
        var lines = new List<string>();
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            if (line.Length > 0)
            {
                lines.Add(line);
            }
        }

        return lines;
    }

    private sealed class SyncProgress(List<ImportProgress> sink) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => sink.Add(value);
    }
}
