using System.Globalization;
using System.Text;
using MarketFeed.Core;
using MarketFeed.Protocol;

namespace MarketFeed.Cli.Output;

/// <summary>
/// Writes received quotes and trades as CSV with a header:
/// <c>time,ts_ns,symbol,seq,kind,bid,bid_size,ask,ask_size,price,size,side,flags</c> (decimal text in each symbol's scale;
/// kind <c>Q</c>/<c>T</c>, side <c>B</c>/<c>S</c>/empty, flags the wire's tick flag bits: 1 suspicious, 2 size unknown). Re-importable with the generic CSV importer
/// (<c>"time": "ts_ns", "timeFormat": "ns"</c>).
/// </summary>
/// <remarks>Used from one thread (the command's read loop).</remarks>
internal sealed class CsvUpdateSink : IUpdateSink
{
    /// <summary>The header row.</summary>
    public const string Header = "time,ts_ns,symbol,seq,kind,bid,bid_size,ask,ask_size,price,size,side,flags";

    private readonly StreamWriter _writer;
    private long _written;

    /// <summary>Creates (overwrites) <paramref name="path"/> and writes the header.</summary>
    public CsvUpdateSink(string path)
    {
        string? directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        _writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
        _writer.WriteLine(Header);
        Path = path;
    }

    /// <inheritdoc />
    public string Path { get; }

    /// <inheritdoc />
    public long Written => _written;

    /// <inheritdoc />
    public bool Write(ServerMessage message, SymbolRef? symbol, long receivedAt)
    {
        if (symbol is null)
        {
            return false;
        }

        var inv = CultureInfo.InvariantCulture;
        int pd = symbol.PriceDecimals;
        int sd = symbol.SizeDecimals;
        switch (message)
        {
            case QuoteMessage q:
                _writer.WriteLine(string.Create(inv, $"{UnixTime.Format(q.Timestamp)},{q.Timestamp},{symbol.Symbol},{q.Sequence},Q,{FixedPoint.Format(q.BidPrice, pd)},{FixedPoint.Format(q.BidSize, sd)},{FixedPoint.Format(q.AskPrice, pd)},{FixedPoint.Format(q.AskSize, sd)},,,,{(int)q.Flags}"));
                break;
            case TradeMessage t:
                string side = t.Side switch
                {
                    TradeSide.Buy => "B",
                    TradeSide.Sell => "S",
                    _ => string.Empty,
                };
                _writer.WriteLine(string.Create(inv, $"{UnixTime.Format(t.Timestamp)},{t.Timestamp},{symbol.Symbol},{t.Sequence},T,,,,,{FixedPoint.Format(t.Price, pd)},{FixedPoint.Format(t.Size, sd)},{side},{(int)t.Flags}"));
                break;
            default:
                return false;
        }

        _written++;
        return true;
    }

    /// <inheritdoc />
    public void Flush() => _writer.Flush();

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();
}
