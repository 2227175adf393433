using MarketFeed.Core;
using MarketFeed.Protocol;
using MarketFeed.Sources.TickLog;

namespace MarketFeed.Cli.Output;

/// <summary>
/// Writes received quotes and trades to a tick log whose symbol table is the given symbols (from a subscribe ack
/// or a replay start). Wire symbol ids are mapped by name, so ids that change after a reconnect still land on the
/// right log symbol. Original timestamps and sequence numbers are kept; the local receive time is stored too.
/// </summary>
/// <remarks>Used from one thread (the command's read loop).</remarks>
internal sealed class TickLogSink : IUpdateSink
{
    private readonly TickLogWriter _writer;
    private readonly Dictionary<string, int> _logIds = new(StringComparer.OrdinalIgnoreCase);
    private long _written;

    /// <summary>Creates (overwrites) <paramref name="path"/> with a symbol table of <paramref name="symbols"/>.</summary>
    public TickLogSink(string path, IReadOnlyList<SymbolRef> symbols, string source)
    {
        var table = new List<TickLogSymbol>(symbols.Count);
        foreach (var s in symbols)
        {
            if (_logIds.TryAdd(s.Symbol, table.Count))
            {
                table.Add(new TickLogSymbol(s.Symbol.ToUpperInvariant(), s.PriceDecimals, s.SizeDecimals));
            }
        }

        string? directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        _writer = TickLogWriter.Create(path, table, new TickLogWriterOptions { Overwrite = true, Source = source });
        Path = path;
    }

    /// <inheritdoc />
    public string Path { get; }

    /// <inheritdoc />
    public long Written => _written;

    /// <inheritdoc />
    public bool Write(ServerMessage message, SymbolRef? symbol, long receivedAt)
    {
        if (symbol is null || !_logIds.TryGetValue(symbol.Symbol, out int logId))
        {
            return false;
        }

        Tick tick;
        switch (message)
        {
            case QuoteMessage q:
                tick = Tick.NewQuote(logId, q.Timestamp, q.BidPrice, q.BidSize, q.AskPrice, q.AskSize);
                tick.Sequence = q.Sequence;
                tick.Flags = q.Flags;
                break;
            case TradeMessage t:
                tick = Tick.NewTrade(logId, t.Timestamp, t.Price, t.Size, t.Side);
                tick.Sequence = t.Sequence;
                tick.CumulativeVolume = t.CumulativeVolume;
                tick.TradeCount = t.TradeCount;
                tick.Flags = t.Flags;
                break;
            default:
                return false;
        }

        tick.ReceiveTimestamp = receivedAt;
        _writer.Append(in tick);
        _written++;
        return true;
    }

    /// <inheritdoc />
    public void Flush() => _writer.Flush(toDisk: true);

    /// <summary>Writes the last block and the footer index (clean close).</summary>
    public void Dispose() => _writer.Dispose();
}
