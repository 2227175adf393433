using MarketFeed.Core;
using MarketFeed.Sources.Import;
using MarketFeed.Sources.TickLog;
using MarketFeed.Testing;

namespace MarketFeed.Sources.Tests;

public sealed class ImportMergerTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Merge_OrdersByTime_TiesByFileThenRow_SortsUnorderedRunsStably()
    {
        var a = new TickBuffer();
        var b = new TickBuffer();
        a.Add(Tick.NewTrade(0, 10, 1, 1, TradeSide.Unknown));
        a.Add(Tick.NewTrade(0, 20, 2, 1, TradeSide.Unknown));
        a.Add(Tick.NewTrade(0, 20, 3, 1, TradeSide.Unknown));

        // Run b is out of order and has ties with itself and with run a.
        b.Add(Tick.NewQuote(0, 20, 4, 1, 5, 1));
        b.Add(Tick.NewQuote(0, 5, 6, 1, 7, 1));
        b.Add(Tick.NewQuote(0, 20, 8, 1, 9, 1));
        b.Add(Tick.NewQuote(0, 10, 10, 1, 11, 1));

        var merged = ImportMerger.Merge([a, b]);
        long[] order = [.. merged.Span.ToArray().Select(t => t.BidPrice)];
        Assert.Equal([6L, 1, 10, 2, 3, 4, 8], order);
    }

    [Fact]
    public void Import_FacadeByFormat_UsesCommonOptions()
    {
        string trades = Path.Combine(TestPaths.SharedData, "tardis", "BTCUSDT_trades.csv");
        string output = _dir.File("btc.mflog");
        var result = Importer.Import(ImportFormat.Tardis, [trades], output, new ImportOptions { BlockTicks = 1000 });
        Assert.Equal(9_999, result.TicksWritten);
        using var reader = TickLogReader.Open(output);
        Assert.Equal(10, reader.Blocks.Count);

        // About 20-40 bytes per tick on disk.
        Assert.InRange(new FileInfo(output).Length / 9_999.0, 10, 40);
        Assert.Throws<ArgumentNullException>(() => Importer.Import(ImportFormat.Csv, [trades], output));
    }
}
