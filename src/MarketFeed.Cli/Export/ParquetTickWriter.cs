using System.Globalization;
using System.Text;
using System.Text.Json;
using MarketFeed.Core;
using MarketFeed.Sources.TickLog;
using Parquet;
using Parquet.Schema;

namespace MarketFeed.Cli.Export;

/// <summary>
/// Writes ticks as a Parquet file (Parquet.Net), one row per tick, in row groups of <see cref="RowGroupRows"/> rows.
/// Schema (docs/python.md "Export schema"): <c>ts_ns</c> int64 (exact ns since the epoch, UTC), <c>timestamp</c>
/// TIMESTAMP(NANOS, UTC) (the same instant at the 100 ns resolution the writer library can store), <c>symbol</c>,
/// <c>kind</c> (Q/T), <c>seq</c>, quote columns <c>bid_price bid_size ask_price ask_size</c> and trade columns
/// <c>price size side cum_volume trade_count</c> (fixed-point int64, null on the other kind), <c>flags</c>,
/// <c>recv_ns</c> (null when unknown), <c>price_decimals</c>, <c>size_decimals</c>. The per-symbol scales are also in
/// the file's key-value metadata (<see cref="ExportSchema.SymbolsKey"/>).
/// </summary>
/// <remarks>Used from one thread. Column buffers are allocated once and reused for every row group.</remarks>
internal sealed class ParquetTickWriter : ITickExportWriter
{
    /// <summary>Rows per row group (about 15 MB of column buffers).</summary>
    public const int RowGroupRows = 1 << 17;

    private static readonly DataField<long> TsNs = new("ts_ns");
    private static readonly DateTimeDataField Timestamp = new("timestamp", DateTimeFormat.Timestamp, true, DateTimeTimeUnit.Nanos);
    private static readonly DataField<string> Symbol = new("symbol");
    private static readonly DataField<string> Kind = new("kind");
    private static readonly DataField<long> Seq = new("seq");
    private static readonly DataField<long?> BidPrice = new("bid_price");
    private static readonly DataField<long?> BidSize = new("bid_size");
    private static readonly DataField<long?> AskPrice = new("ask_price");
    private static readonly DataField<long?> AskSize = new("ask_size");
    private static readonly DataField<long?> Price = new("price");
    private static readonly DataField<long?> Size = new("size");
    private static readonly DataField<int?> Side = new("side");
    private static readonly DataField<long?> CumVolume = new("cum_volume");
    private static readonly DataField<long?> TradeCount = new("trade_count");
    private static readonly DataField<int> Flags = new("flags");
    private static readonly DataField<long?> RecvNs = new("recv_ns");
    private static readonly DataField<int> PriceDecimals = new("price_decimals");
    private static readonly DataField<int> SizeDecimals = new("size_decimals");

    private readonly IReadOnlyList<TickLogSymbol> _symbols;
    private readonly Dictionary<string, string> _metadata;
    private readonly string _tempPath;
    private readonly FileStream _stream;
    private readonly ParquetWriter _writer;
    private readonly long[] _tsNs = new long[RowGroupRows];
    private readonly DateTime[] _timestamp = new DateTime[RowGroupRows];
    private readonly string[] _symbol = new string[RowGroupRows];
    private readonly string[] _kind = new string[RowGroupRows];
    private readonly long[] _seq = new long[RowGroupRows];
    private readonly long?[] _a = new long?[RowGroupRows];
    private readonly long?[] _b = new long?[RowGroupRows];
    private readonly long?[] _c = new long?[RowGroupRows];
    private readonly long?[] _d = new long?[RowGroupRows];
    private readonly long?[] _price = new long?[RowGroupRows];
    private readonly long?[] _size = new long?[RowGroupRows];
    private readonly int?[] _side = new int?[RowGroupRows];
    private readonly long?[] _cumVolume = new long?[RowGroupRows];
    private readonly long?[] _tradeCount = new long?[RowGroupRows];
    private readonly int[] _flags = new int[RowGroupRows];
    private readonly long?[] _recv = new long?[RowGroupRows];
    private readonly int[] _priceDecimals = new int[RowGroupRows];
    private readonly int[] _sizeDecimals = new int[RowGroupRows];
    private int _count;
    private long _flushed;
    private bool _completed;

    private ParquetTickWriter(string path, string tempPath, FileStream stream, ParquetWriter writer, IReadOnlyList<TickLogSymbol> symbols, string source)
    {
        _metadata = new Dictionary<string, string>
        {
            [ExportSchema.VersionKey] = ExportSchema.Version,
            [ExportSchema.SymbolsKey] = SymbolsJson(symbols),
            [ExportSchema.SourceKey] = source,
        };
        Path = path;
        _tempPath = tempPath;
        _stream = stream;
        _writer = writer;
        _symbols = symbols;
    }

    /// <inheritdoc />
    public string Path { get; }

    /// <inheritdoc />
    public long Rows => _flushed + _count;

    /// <summary>Creates the writer on a temporary file next to <paramref name="path"/>.</summary>
    public static async Task<ParquetTickWriter> CreateAsync(string path, IReadOnlyList<TickLogSymbol> symbols, string source, CancellationToken cancellationToken)
    {
        string tempPath = ExportFiles.TempPathFor(path);
        var stream = new FileStream(tempPath, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16);
        try
        {
            var schema = new ParquetSchema(
                TsNs, Timestamp, Symbol, Kind, Seq, BidPrice, BidSize, AskPrice, AskSize,
                Price, Size, Side, CumVolume, TradeCount, Flags, RecvNs, PriceDecimals, SizeDecimals);
            var writer = await ParquetWriter.CreateAsync(schema, stream, cancellationToken: cancellationToken);
            return new ParquetTickWriter(path, tempPath, stream, writer, symbols, source);
        }
        catch
        {
            await stream.DisposeAsync();
            File.Delete(tempPath);
            throw;
        }
    }

    /// <summary>The symbol table as JSON: <c>[{"symbol":"AAPL","priceDecimals":4,"sizeDecimals":0}, ...]</c>.</summary>
    public static string SymbolsJson(IReadOnlyList<TickLogSymbol> symbols)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var s in symbols)
            {
                json.WriteStartObject();
                json.WriteString("symbol", s.Name);
                json.WriteNumber("priceDecimals", s.PriceDecimals);
                json.WriteNumber("sizeDecimals", s.SizeDecimals);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <inheritdoc />
    public bool Add(in Tick tick)
    {
        int i = _count++;
        var symbol = _symbols[tick.SymbolId];
        _tsNs[i] = tick.Timestamp;
        _timestamp[i] = DateTime.UnixEpoch.AddTicks(tick.Timestamp / TimeSpan.NanosecondsPerTick);
        _symbol[i] = symbol.Name;
        _seq[i] = tick.Sequence;
        _flags[i] = (int)tick.Flags;
        _recv[i] = tick.ReceiveTimestamp == 0 ? null : tick.ReceiveTimestamp;
        _priceDecimals[i] = symbol.PriceDecimals;
        _sizeDecimals[i] = symbol.SizeDecimals;
        if (tick.Kind == TickKind.Quote)
        {
            _kind[i] = ExportSchema.QuoteKind;
            _a[i] = tick.BidPrice;
            _b[i] = tick.BidSize;
            _c[i] = tick.AskPrice;
            _d[i] = tick.AskSize;
            _price[i] = _size[i] = _cumVolume[i] = _tradeCount[i] = null;
            _side[i] = null;
        }
        else
        {
            _kind[i] = ExportSchema.TradeKind;
            _a[i] = _b[i] = _c[i] = _d[i] = null;
            _price[i] = tick.Price;
            _size[i] = tick.Size;
            _side[i] = (int)tick.Side;
            _cumVolume[i] = tick.CumulativeVolume;
            _tradeCount[i] = tick.TradeCount;
        }

        return _count == RowGroupRows;
    }

    /// <inheritdoc />
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        int n = _count;
        if (n == 0)
        {
            return;
        }

        using (var group = _writer.CreateRowGroup())
        {
            await group.WriteAsync<long>(TsNs, _tsNs.AsMemory(0, n), cancellationToken: cancellationToken);
            await group.WriteAsync<DateTime>(Timestamp, _timestamp.AsMemory(0, n), cancellationToken: cancellationToken);
            await group.WriteAsync(Symbol, new ArraySegment<string>(_symbol, 0, n));
            await group.WriteAsync(Kind, new ArraySegment<string>(_kind, 0, n));
            await group.WriteAsync<long>(Seq, _seq.AsMemory(0, n), cancellationToken: cancellationToken);
            await group.WriteAsync<long>(BidPrice, _a.AsMemory(0, n), cancellationToken: cancellationToken);
            await group.WriteAsync<long>(BidSize, _b.AsMemory(0, n), cancellationToken: cancellationToken);
            await group.WriteAsync<long>(AskPrice, _c.AsMemory(0, n), cancellationToken: cancellationToken);
            await group.WriteAsync<long>(AskSize, _d.AsMemory(0, n), cancellationToken: cancellationToken);
            await group.WriteAsync<long>(Price, _price.AsMemory(0, n), cancellationToken: cancellationToken);
            await group.WriteAsync<long>(Size, _size.AsMemory(0, n), cancellationToken: cancellationToken);
            await group.WriteAsync<int>(Side, _side.AsMemory(0, n), cancellationToken: cancellationToken);
            await group.WriteAsync<long>(CumVolume, _cumVolume.AsMemory(0, n), cancellationToken: cancellationToken);
            await group.WriteAsync<long>(TradeCount, _tradeCount.AsMemory(0, n), cancellationToken: cancellationToken);
            await group.WriteAsync<int>(Flags, _flags.AsMemory(0, n), cancellationToken: cancellationToken);
            await group.WriteAsync<long>(RecvNs, _recv.AsMemory(0, n), cancellationToken: cancellationToken);
            await group.WriteAsync<int>(PriceDecimals, _priceDecimals.AsMemory(0, n), cancellationToken: cancellationToken);
            await group.WriteAsync<int>(SizeDecimals, _sizeDecimals.AsMemory(0, n), cancellationToken: cancellationToken);
        }

        _flushed += n;
        _count = 0;
    }

    /// <inheritdoc />
    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        // The footer (with the key-value metadata) is written when the writer is disposed.
        _metadata[ExportSchema.RowsKey] = _flushed.ToString(CultureInfo.InvariantCulture);
        _writer.CustomMetadata = _metadata;
        await _writer.DisposeAsync();
        await _stream.DisposeAsync();
        File.Move(_tempPath, Path, overwrite: true);
        _completed = true;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_completed)
        {
            return;
        }

        await _writer.DisposeAsync();
        await _stream.DisposeAsync();
        File.Delete(_tempPath);
    }
}
