using System.Globalization;
using System.Text;
using MarketFeed.Core;
using MarketFeed.Sources.TickLog;

namespace MarketFeed.Cli.Export;

/// <summary>
/// Writes ticks as CSV with the header <see cref="ExportSchema.CsvHeader"/>: ISO-8601 UTC time and exact ns, symbol,
/// kind Q/T, seq, quote columns (bid, bid_size, ask, ask_size) or trade columns (price, size, side B/S/empty,
/// cum_volume, trade_count) as exact decimal text in the symbol's scale, flags, recv_ns (empty when unknown).
/// </summary>
/// <remarks>Used from one thread.</remarks>
internal sealed class CsvTickWriter : ITickExportWriter
{
    private const int FlushEvery = 1 << 14;

    private readonly IReadOnlyList<TickLogSymbol> _symbols;
    private readonly string _tempPath;
    private readonly StreamWriter _writer;
    private readonly char[] _line = new char[512];
    private long _rows;
    private int _sinceFlush;
    private bool _completed;

    /// <summary>Creates the writer on a temporary file next to <paramref name="path"/> and writes the header.</summary>
    public CsvTickWriter(string path, IReadOnlyList<TickLogSymbol> symbols)
    {
        Path = path;
        _symbols = symbols;
        _tempPath = ExportFiles.TempPathFor(path);
        _writer = new StreamWriter(_tempPath, append: false, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
        _writer.WriteLine(ExportSchema.CsvHeader);
    }

    /// <inheritdoc />
    public string Path { get; }

    /// <inheritdoc />
    public long Rows => _rows;

    /// <inheritdoc />
    public bool Add(in Tick tick)
    {
        var symbol = _symbols[tick.SymbolId];
        int pd = symbol.PriceDecimals;
        int sd = symbol.SizeDecimals;
        var inv = CultureInfo.InvariantCulture;
        var line = new Span<char>(_line);
        int n = 0;
        n += Format(UnixTime.Format(tick.Timestamp), line[n..]);
        line[n++] = ',';
        tick.Timestamp.TryFormat(line[n..], out int w, default, inv);
        n += w;
        line[n++] = ',';
        n += Format(symbol.Name, line[n..]);
        line[n++] = ',';
        if (tick.Kind == TickKind.Quote)
        {
            n += Format(ExportSchema.QuoteKind, line[n..]);
            line[n++] = ',';
            tick.Sequence.TryFormat(line[n..], out w, default, inv);
            n += w;
            line[n++] = ',';
            n += Format(FixedPoint.Format(tick.BidPrice, pd), line[n..]);
            line[n++] = ',';
            n += Format(FixedPoint.Format(tick.BidSize, sd), line[n..]);
            line[n++] = ',';
            n += Format(FixedPoint.Format(tick.AskPrice, pd), line[n..]);
            line[n++] = ',';
            n += Format(FixedPoint.Format(tick.AskSize, sd), line[n..]);
            n += Format(",,,,,,", line[n..]);
        }
        else
        {
            n += Format(ExportSchema.TradeKind, line[n..]);
            line[n++] = ',';
            tick.Sequence.TryFormat(line[n..], out w, default, inv);
            n += w;
            n += Format(",,,,,", line[n..]);
            n += Format(FixedPoint.Format(tick.Price, pd), line[n..]);
            line[n++] = ',';
            n += Format(FixedPoint.Format(tick.Size, sd), line[n..]);
            line[n++] = ',';
            n += Format(tick.Side switch { TradeSide.Buy => "B", TradeSide.Sell => "S", _ => string.Empty }, line[n..]);
            line[n++] = ',';
            n += Format(FixedPoint.Format(tick.CumulativeVolume, sd), line[n..]);
            line[n++] = ',';
            tick.TradeCount.TryFormat(line[n..], out w, default, inv);
            n += w;
            line[n++] = ',';
        }

        ((int)tick.Flags).TryFormat(line[n..], out w, default, inv);
        n += w;
        line[n++] = ',';
        if (tick.ReceiveTimestamp != 0)
        {
            tick.ReceiveTimestamp.TryFormat(line[n..], out w, default, inv);
            n += w;
        }

        line[n++] = '\n';
        _writer.Write(line[..n]);
        _rows++;
        return ++_sinceFlush == FlushEvery;
    }

    /// <inheritdoc />
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        _sinceFlush = 0;
        await _writer.FlushAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        await _writer.DisposeAsync();
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
        File.Delete(_tempPath);
    }

    private static int Format(string text, Span<char> destination)
    {
        text.AsSpan().CopyTo(destination);
        return text.Length;
    }
}
