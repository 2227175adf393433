using System.Globalization;
using MarketFeed.Core;
using MarketFeed.Sources.Import;
using MarketFeed.Sources.TickLog;
using MarketFeed.Testing;

namespace MarketFeed.Sources.Tests;

public sealed class TardisImportTests : IDisposable
{
    private static readonly string Trades = Path.Combine(TestPaths.SharedData, "tardis", "BTCUSDT_trades.csv");
    private static readonly string Quotes = Path.Combine(TestPaths.SharedData, "tardis", "BTCUSDT_quotes.csv");
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void BtcUsdt_TradesAndQuotes_ReadBackMatchesPlainCsvRead()
    {
        string output = _dir.File("btcusdt.mflog");
        var result = Importer.ImportTardis([Trades, Quotes], output);

        var tradeRows = File.ReadAllLines(Trades).Skip(1).Select(l => l.Split(',')).ToList();
        var quoteRows = File.ReadAllLines(Quotes).Skip(1).Select(l => l.Split(',')).ToList();
        decimal amountSum = tradeRows.Sum(f => decimal.Parse(f[7], CultureInfo.InvariantCulture));
        var lastQuoteRow = quoteRows[^1];

        Assert.Equal(0, result.BadRows);
        using var reader = TickLogReader.Open(output);
        var sym = Assert.Single(reader.Symbols);
        Assert.Equal(new TickLogSymbol("BTCUSDT", 2, 3), sym);
        var ticks = reader.ReadAllTicks();
        var trades = ticks.Where(t => t.Kind == TickKind.Trade).ToList();
        Assert.Equal(tradeRows.Count, trades.Count);
        Assert.Equal(amountSum, trades.Sum(t => t.Size) / 1000m);
        Assert.Equal(trades.Sum(t => t.Size), trades[^1].CumulativeVolume);
        Assert.Equal(tradeRows.Count(f => f[5] == "buy"), trades.Count(t => t.Side == TradeSide.Buy));

        var quotes = ticks.Where(t => t.Kind == TickKind.Quote).ToList();
        Assert.Equal(quoteRows.Count, quotes.Count);
        var last = quotes.Last(q => q.Timestamp == quotes.Max(x => x.Timestamp));

        // columns: exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount
        Assert.Equal(long.Parse(lastQuoteRow[2]) * 1000, last.Timestamp);
        Assert.Equal(long.Parse(lastQuoteRow[3]) * 1000, last.ReceiveTimestamp);
        Assert.Equal(decimal.Parse(lastQuoteRow[6], CultureInfo.InvariantCulture), last.BidPrice / 100m);
        Assert.Equal(decimal.Parse(lastQuoteRow[7], CultureInfo.InvariantCulture), last.BidSize / 1000m);
        Assert.Equal(decimal.Parse(lastQuoteRow[5], CultureInfo.InvariantCulture), last.AskPrice / 100m);
        Assert.Equal(decimal.Parse(lastQuoteRow[4], CultureInfo.InvariantCulture), last.AskSize / 1000m);

        for (int i = 1; i < ticks.Count; i++)
        {
            Assert.True(ticks[i].Timestamp >= ticks[i - 1].Timestamp);
            Assert.Equal(i + 1, ticks[i].Sequence);
        }
    }

    [Fact]
    public void ExplicitScales_AreUsed_AndTooFinePricesAreBadRows()
    {
        var imported = TardisCsvImporter.Read([Trades], new TardisImportOptions { PriceDecimals = 1, SizeDecimals = 3 });
        var rows = File.ReadAllLines(Trades).Skip(1).Select(l => l.Split(',')).ToList();
        int tooFine = rows.Count(f => f[6].Contains('.', StringComparison.Ordinal) && f[6].Split('.')[1].TrimEnd('0').Length > 1);
        Assert.True(tooFine > 0);
        Assert.Equal(tooFine, imported.BadRows);
        Assert.Equal(rows.Count - tooFine, imported.Ticks.Count);
        Assert.Equal(new TickLogSymbol("BTCUSDT", 1, 3), imported.Symbols[0]);
    }
}
