using System.Globalization;
using System.Text.Json;
using MarketFeed.Core;
using MarketFeed.Sources.TickLog;
using MarketFeed.Testing;
using ParquetSharp;

namespace MarketFeed.Cli.Tests;

/// <summary>
/// <c>marketfeed export</c>: the Parquet file is read back with ParquetSharp (Apache Arrow's C++ Parquet reader, a second
/// implementation independent of the Parquet.Net writer) and every row is compared with the tick log; the CSV likewise.
/// </summary>
public sealed class ExportTests : IDisposable
{
    private static readonly string IbmTrades = Path.Combine(TestPaths.SharedData, "lean-algoseek", "ibm", "20131007_trade.zip");
    private static readonly string IbmQuotes = Path.Combine(TestPaths.SharedData, "lean-algoseek", "ibm", "20131007_quote.zip");
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ExportParquet_SampleDataset_EveryRowEqualsTheTickLog()
    {
        string log = await ImportSampleAsync();

        var result = await CliRunner.RunAsync("export", log, "--output", _dir.File("out/sample.parquet"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("exported 20,000 rows", result.Stdout);
        var (rows, metadata) = ReadParquet(_dir.File("out/sample.parquet"));
        using var reader = TickLogReader.Open(log);
        AssertRowsEqual(reader.Symbols, reader.ReadAllTicks(), rows);
        Assert.Equal("1", metadata["marketfeed.export.version"]);
        Assert.Equal("20000", metadata["marketfeed.rows"]);
        var symbols = JsonDocument.Parse(metadata["marketfeed.symbols"]).RootElement.EnumerateArray()
            .Select(e => new TickLogSymbol(e.GetProperty("symbol").GetString()!, e.GetProperty("priceDecimals").GetInt32(), e.GetProperty("sizeDecimals").GetInt32()))
            .ToList();
        Assert.Equal(reader.Symbols, symbols);
        Assert.Empty(Directory.GetFiles(_dir.File("out"), "*.tmp"));
    }

    [Fact]
    public async Task ExportParquet_RealIbmDay_EveryRowEqualsTheTickLogIncludingFlags()
    {
        string log = _dir.File("ibm.mflog");
        var import = await CliRunner.RunAsync("import", "--format", "lean", "--output", log, IbmTrades, IbmQuotes);
        Assert.True(import.ExitCode == 0, import.ToString());

        var result = await CliRunner.RunAsync("export", log, "-o", _dir.File("ibm.parquet"));

        Assert.True(result.ExitCode == 0, result.ToString());
        var (rows, _) = ReadParquet(_dir.File("ibm.parquet"));
        using var reader = TickLogReader.Open(log);
        var ticks = reader.ReadAllTicks();
        Assert.Contains(ticks, t => t.Flags != TickFlags.None); // the day has vendor-flagged rows: flags must survive
        Assert.True(rows.Count > ParquetRowGroupRows, "the file spans more than one row group");
        AssertRowsEqual(reader.Symbols, ticks, rows);
    }

    [Fact]
    public async Task ExportParquet_SymbolAndTimeSlice_HoldsExactlyTheTicksInTheSlice()
    {
        string log = await ImportSampleAsync();
        using var reader = TickLogReader.Open(log);
        var all = reader.ReadAllTicks();
        int msft = Index(reader.Symbols, "MSFT");
        int nvda = Index(reader.Symbols, "NVDA");

        // Both ends fall on a tick of a selected symbol: the range is inclusive at both ends.
        long from = all.First(t => t.SymbolId == msft && t.Timestamp >= UnixTime.FromDateTimeOffset(DateTimeOffset.Parse("2024-06-03T13:33:00Z", CultureInfo.InvariantCulture))).Timestamp;
        long to = all.Last(t => t.SymbolId == nvda && t.Timestamp <= UnixTime.FromDateTimeOffset(DateTimeOffset.Parse("2024-06-03T13:35:30Z", CultureInfo.InvariantCulture))).Timestamp;

        var result = await CliRunner.RunAsync("export", log, "-o", _dir.File("slice.parquet"), "--symbols", "MSFT,NVDA",
            "--from", UnixTime.Format(from), "--to", to.ToString(CultureInfo.InvariantCulture) + "ns");

        Assert.True(result.ExitCode == 0, result.ToString());
        var expected = all.Where(t => (t.SymbolId == msft || t.SymbolId == nvda) && t.Timestamp >= from && t.Timestamp <= to).ToList();
        Assert.NotEmpty(expected);
        AssertRowsEqual(reader.Symbols, expected, ReadParquet(_dir.File("slice.parquet")).Rows);
    }

    [Fact]
    public async Task ExportCsv_SampleDataset_EveryRowEqualsTheTickLog()
    {
        string log = await ImportSampleAsync();

        var result = await CliRunner.RunAsync("export", log, "-o", _dir.File("sample.csv"));

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = File.ReadAllLines(_dir.File("sample.csv"));
        Assert.Equal("time,ts_ns,symbol,kind,seq,bid,bid_size,ask,ask_size,price,size,side,cum_volume,trade_count,flags,recv_ns", lines[0]);
        using var reader = TickLogReader.Open(log);
        var ticks = reader.ReadAllTicks();
        Assert.Equal(ticks.Count, lines.Length - 1);
        for (int i = 0; i < ticks.Count; i++)
        {
            var t = ticks[i];
            var s = reader.Symbols[t.SymbolId];
            var c = lines[i + 1].Split(',');
            Assert.Equal(16, c.Length);
            Assert.Equal(UnixTime.Format(t.Timestamp), c[0]);
            Assert.Equal(t.Timestamp, long.Parse(c[1], CultureInfo.InvariantCulture));
            Assert.Equal(s.Name, c[2]);
            Assert.Equal(t.Sequence, long.Parse(c[4], CultureInfo.InvariantCulture));
            Assert.Equal((int)t.Flags, int.Parse(c[14], CultureInfo.InvariantCulture));
            if (t.Kind == TickKind.Quote)
            {
                Assert.Equal("Q", c[3]);
                Assert.Equal((t.BidPrice, t.BidSize, t.AskPrice, t.AskSize),
                    (FixedPoint.Parse(c[5], s.PriceDecimals), FixedPoint.Parse(c[6], s.SizeDecimals), FixedPoint.Parse(c[7], s.PriceDecimals), FixedPoint.Parse(c[8], s.SizeDecimals)));
                Assert.True(c[9..14].All(string.IsNullOrEmpty), lines[i + 1]);
            }
            else
            {
                Assert.Equal("T", c[3]);
                Assert.True(c[5..9].All(string.IsNullOrEmpty), lines[i + 1]);
                Assert.Equal((t.Price, t.Size, t.CumulativeVolume, t.TradeCount),
                    (FixedPoint.Parse(c[9], s.PriceDecimals), FixedPoint.Parse(c[10], s.SizeDecimals), FixedPoint.Parse(c[12], s.SizeDecimals), long.Parse(c[13], CultureInfo.InvariantCulture)));
                Assert.Equal(t.Side switch { TradeSide.Buy => "B", TradeSide.Sell => "S", _ => string.Empty }, c[11]);
            }
        }
    }

    [Fact]
    public async Task Export_DamagedLog_WritesTheIntactTicksAndExitsThreeLoudly()
    {
        string log = await ImportSampleAsync(blockTicks: 1000);
        TickLogBlockInfo block;
        using (var reader = TickLogReader.Open(log))
        {
            block = reader.Blocks[3];
        }

        var bytes = File.ReadAllBytes(log);
        bytes[block.Offset + 44 + (block.PayloadLength / 2)] ^= 0xFF;
        File.WriteAllBytes(log, bytes);

        var result = await CliRunner.RunAsync("export", log, "-o", _dir.File("damaged.parquet"));

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("DAMAGE ChecksumMismatch", result.Stderr);
        Assert.Contains("NOT in", result.Stderr);
        Assert.Equal(20_000 - block.TickCount, ReadParquet(_dir.File("damaged.parquet")).Rows.Count);
    }

    [Theory]
    [InlineData("out.txt", null, 64)]
    [InlineData("out.parquet", "--symbols=NOPE", 64)]
    [InlineData("out.parquet", "--from=yesterday", 64)]
    public async Task Export_BadArguments_ExitUsage(string output, string? extra, int exitCode)
    {
        string log = await ImportSampleAsync();
        string[] args = extra is null ? ["export", log, "-o", _dir.File(output)] : ["export", log, "-o", _dir.File(output), extra];

        var result = await CliRunner.RunAsync(args);

        Assert.True(result.ExitCode == exitCode, result.ToString());
        Assert.False(File.Exists(_dir.File(output)));
    }

    [Fact]
    public async Task Export_MissingInput_ExitsFour()
    {
        var result = await CliRunner.RunAsync("export", "no-such-dataset", "--data-dir", _dir.Path, "-o", _dir.File("x.csv"));

        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains("no-such-dataset.mflog", result.Stderr);
    }

    private const int ParquetRowGroupRows = 1 << 17;

    private async Task<string> ImportSampleAsync(int blockTicks = 4096)
    {
        string log = _dir.File($"sample-{blockTicks}.mflog");
        if (!File.Exists(log))
        {
            string config = Path.Combine(TestPaths.Config, "datasets");
            var import = await CliRunner.RunAsync("import", "--format", "csv", "--mapping", Path.Combine(config, "sample-equities.mapping.json"),
                "--block-ticks", blockTicks.ToString(CultureInfo.InvariantCulture), "--output", log, Path.Combine(config, "sample-equities.csv"));
            Assert.True(import.ExitCode == 0, import.ToString());
        }

        return log;
    }

    private static int Index(IReadOnlyList<TickLogSymbol> symbols, string name)
    {
        for (int i = 0; i < symbols.Count; i++)
        {
            if (symbols[i].Name == name)
            {
                return i;
            }
        }

        throw new InvalidOperationException(name);
    }

    private static void AssertRowsEqual(IReadOnlyList<TickLogSymbol> symbols, List<Tick> ticks, List<ParquetRow> rows)
    {
        Assert.Equal(ticks.Count, rows.Count);
        for (int i = 0; i < ticks.Count; i++)
        {
            var t = ticks[i];
            var s = symbols[t.SymbolId];
            bool quote = t.Kind == TickKind.Quote;
            var expected = new ParquetRow(
                t.Timestamp, t.Timestamp / 100 * 100, s.Name, quote ? "Q" : "T", t.Sequence,
                quote ? t.BidPrice : null, quote ? t.BidSize : null, quote ? t.AskPrice : null, quote ? t.AskSize : null,
                quote ? null : t.Price, quote ? null : t.Size, quote ? null : (int)t.Side, quote ? null : t.CumulativeVolume, quote ? null : t.TradeCount,
                (int)t.Flags, t.ReceiveTimestamp == 0 ? null : t.ReceiveTimestamp, s.PriceDecimals, s.SizeDecimals);
            if (expected != rows[i])
            {
                Assert.Fail($"row {i}: expected {expected}, read {rows[i]}");
            }
        }
    }

    /// <summary>Reads the whole file with ParquetSharp, checking the physical and logical types of the schema.</summary>
    private static (List<ParquetRow> Rows, Dictionary<string, string> Metadata) ReadParquet(string path)
    {
        using var file = new ParquetFileReader(path);
        var schema = file.FileMetaData.Schema;
        string[] names = ["ts_ns", "timestamp", "symbol", "kind", "seq", "bid_price", "bid_size", "ask_price", "ask_size", "price", "size", "side", "cum_volume", "trade_count", "flags", "recv_ns", "price_decimals", "size_decimals"];
        Assert.Equal(names, Enumerable.Range(0, schema.NumColumns).Select(i => schema.Column(i).Name).ToArray());
        var ts = schema.Column(1).LogicalType as TimestampLogicalType;
        Assert.NotNull(ts);
        Assert.True(ts.IsAdjustedToUtc);
        Assert.Equal(TimeUnit.Nanos, ts.TimeUnit);
        Assert.Equal(PhysicalType.Int64, schema.Column(0).PhysicalType);

        var rows = new List<ParquetRow>();
        for (int g = 0; g < file.FileMetaData.NumRowGroups; g++)
        {
            using var group = file.RowGroup(g);
            int n = checked((int)group.MetaData.NumRows);
            T[] Read<T>(int column)
            {
                using var reader = group.Column(column).LogicalReader<T>();
                return reader.ReadAll(n);
            }

            var tsNs = Read<long>(0);
            var timestamp = Read<DateTimeNanos>(1);
            var symbol = Read<string>(2);
            var kind = Read<string>(3);
            var seq = Read<long>(4);
            var bidPrice = Read<long?>(5);
            var bidSize = Read<long?>(6);
            var askPrice = Read<long?>(7);
            var askSize = Read<long?>(8);
            var price = Read<long?>(9);
            var size = Read<long?>(10);
            var side = Read<int?>(11);
            var cumVolume = Read<long?>(12);
            var tradeCount = Read<long?>(13);
            var flags = Read<int>(14);
            var recv = Read<long?>(15);
            var pd = Read<int>(16);
            var sd = Read<int>(17);
            for (int i = 0; i < n; i++)
            {
                rows.Add(new ParquetRow(tsNs[i], timestamp[i].Ticks, symbol[i], kind[i], seq[i], bidPrice[i], bidSize[i], askPrice[i], askSize[i],
                    price[i], size[i], side[i], cumVolume[i], tradeCount[i], flags[i], recv[i], pd[i], sd[i]));
            }
        }

        return (rows, file.FileMetaData.KeyValueMetadata.ToDictionary());
    }

    private sealed record ParquetRow(
        long TsNs, long TimestampNs, string Symbol, string Kind, long Seq,
        long? BidPrice, long? BidSize, long? AskPrice, long? AskSize,
        long? Price, long? Size, int? Side, long? CumVolume, long? TradeCount,
        int Flags, long? RecvNs, int PriceDecimals, int SizeDecimals);
}
