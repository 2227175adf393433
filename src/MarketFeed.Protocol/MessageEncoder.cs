using MarketFeed.Core;
using MessagePack;

namespace MarketFeed.Protocol;

/// <summary>
/// Writes server messages (docs/protocol.md section 4) with a <see cref="MessagePackWriter"/>.
/// Allocation-free for market data messages; the caller owns the writer and flushes it.
/// </summary>
public static class MessageEncoder
{
    /// <summary>Upper bound of an encoded quote or trade message in bytes (array header, kind, 7-8 int64s).</summary>
    public const int MaxMarketDataMessageBytes = 1 + 1 + (9 * 9);

    /// <summary>Writes a quote message from a quote tick.</summary>
    public static void WriteQuote(ref MessagePackWriter writer, in Tick quote)
    {
        writer.WriteArrayHeader(9);
        writer.Write((int)MessageKind.Quote);
        writer.Write(quote.SymbolId);
        writer.Write(quote.Sequence);
        writer.Write(quote.Timestamp);
        writer.Write(quote.BidPrice);
        writer.Write(quote.BidSize);
        writer.Write(quote.AskPrice);
        writer.Write(quote.AskSize);
        writer.Write((ushort)quote.Flags); // appended field (protocol.md change log): 1 byte for 0..127
    }

    /// <summary>Writes a trade message from a sequenced trade tick.</summary>
    public static void WriteTrade(ref MessagePackWriter writer, in Tick trade)
    {
        writer.WriteArrayHeader(10);
        writer.Write((int)MessageKind.Trade);
        writer.Write(trade.SymbolId);
        writer.Write(trade.Sequence);
        writer.Write(trade.Timestamp);
        writer.Write(trade.Price);
        writer.Write(trade.Size);
        writer.Write((int)trade.Side);
        writer.Write(trade.CumulativeVolume);
        writer.Write(trade.TradeCount);
        writer.Write((ushort)trade.Flags);
    }

    /// <summary>Writes a quote or trade message depending on the tick kind.</summary>
    public static void WriteTick(ref MessagePackWriter writer, in Tick tick)
    {
        if (tick.Kind == TickKind.Quote)
        {
            WriteQuote(ref writer, tick);
        }
        else
        {
            WriteTrade(ref writer, tick);
        }
    }

    /// <summary>Writes a snapshot message.</summary>
    public static void WriteSnapshot(ref MessagePackWriter writer, in MarketSnapshot s)
    {
        writer.WriteArrayHeader(16);
        writer.Write((int)MessageKind.Snapshot);
        writer.Write(s.SymbolId);
        writer.Write(s.Sequence);
        writer.Write(s.QuoteSequence);
        writer.Write(s.QuoteTimestamp);
        writer.Write(s.BidPrice);
        writer.Write(s.BidSize);
        writer.Write(s.AskPrice);
        writer.Write(s.AskSize);
        writer.Write(s.TradeSequence);
        writer.Write(s.TradeTimestamp);
        writer.Write(s.LastPrice);
        writer.Write(s.LastSize);
        writer.Write((int)s.LastSide);
        writer.Write(s.CumulativeVolume);
        writer.Write(s.TradeCount);
    }

    /// <summary>
    /// Writes a basket (the reply to <c>snapshot</c>): <c>[16, requestId, globalSequence, epoch,
    /// [snapshot, ...]]</c>, each entry a complete snapshot message (kind 4).
    /// </summary>
    public static void WriteBasket(ref MessagePackWriter writer, long requestId, long globalSequence, long epoch, ReadOnlySpan<MarketSnapshot> states)
    {
        writer.WriteArrayHeader(5);
        writer.Write((int)MessageKind.Basket);
        writer.Write(requestId);
        writer.Write(globalSequence);
        writer.Write(epoch);
        writer.WriteArrayHeader(states.Length);
        foreach (ref readonly MarketSnapshot state in states)
        {
            WriteSnapshot(ref writer, state);
        }
    }

    /// <summary>Writes a heartbeat.</summary>
    public static void WriteHeartbeat(ref MessagePackWriter writer, long serverTime)
    {
        writer.WriteArrayHeader(2);
        writer.Write((int)MessageKind.Heartbeat);
        writer.Write(serverTime);
    }

    /// <summary>Writes a pong.</summary>
    public static void WritePong(ref MessagePackWriter writer, long requestId, long clientTime, long serverTime)
    {
        writer.WriteArrayHeader(4);
        writer.Write((int)MessageKind.Pong);
        writer.Write(requestId);
        writer.Write(clientTime);
        writer.Write(serverTime);
    }

    /// <summary>Writes an error.</summary>
    public static void WriteError(ref MessagePackWriter writer, long requestId, ErrorCode code, string message, string? symbol) =>
        WriteError(ref writer, requestId, code, message, symbol, null);

    /// <summary>
    /// Writes an error; with <paramref name="symbols"/> (the symbols one error rejects) the message has
    /// a seventh element, the array of those symbols.
    /// </summary>
    public static void WriteError(ref MessagePackWriter writer, long requestId, ErrorCode code, string message, string? symbol, IReadOnlyList<string>? symbols)
    {
        writer.WriteArrayHeader(symbols is null ? 6 : 7);
        writer.Write((int)MessageKind.Error);
        writer.Write(requestId);
        writer.Write((int)code);
        writer.Write(code.Name());
        writer.Write(message);
        WriteNullableString(ref writer, symbol);
        if (symbols is not null)
        {
            writer.WriteArrayHeader(symbols.Count);
            foreach (string s in symbols)
            {
                writer.Write(s);
            }
        }
    }

    /// <summary>Writes a subscribe ack.</summary>
    /// <param name="writer">Target.</param>
    /// <param name="requestId">The subscribe's id.</param>
    /// <param name="mode">Granted mode.</param>
    /// <param name="throttle">Granted throttle.</param>
    /// <param name="symbols">Symbols now subscribed by the request.</param>
    /// <param name="recovered">For a subscribe that asked to resume: per entry of <paramref name="symbols"/>, whether it continues without a snapshot (a sixth field); null otherwise.</param>
    public static void WriteSubscribeAck(ref MessagePackWriter writer, long requestId, DeliveryMode mode, int throttle, IReadOnlyList<SymbolInfo> symbols, IReadOnlyList<bool>? recovered = null)
    {
        writer.WriteArrayHeader(recovered is null ? 5 : 6);
        writer.Write((int)MessageKind.SubscribeAck);
        writer.Write(requestId);
        writer.Write(mode.Name());
        writer.Write(throttle);
        WriteSymbolRefs(ref writer, symbols);
        if (recovered is not null)
        {
            writer.WriteArrayHeader(recovered.Count);
            foreach (bool r in recovered)
            {
                writer.Write(r);
            }
        }
    }

    /// <summary>Writes an unsubscribe ack.</summary>
    public static void WriteUnsubscribeAck(ref MessagePackWriter writer, long requestId, IReadOnlyList<string> symbols)
    {
        writer.WriteArrayHeader(3);
        writer.Write((int)MessageKind.UnsubscribeAck);
        writer.Write(requestId);
        writer.WriteArrayHeader(symbols.Count);
        foreach (string s in symbols)
        {
            writer.Write(s);
        }
    }

    /// <summary>Writes a symbol directory.</summary>
    public static void WriteSymbolDirectory(ref MessagePackWriter writer, long requestId, IReadOnlyList<SymbolInfo> symbols)
    {
        writer.WriteArrayHeader(3);
        writer.Write((int)MessageKind.SymbolDirectory);
        writer.Write(requestId);
        writer.WriteArrayHeader(symbols.Count);
        foreach (var s in symbols)
        {
            writer.WriteArrayHeader(9);
            writer.Write(s.Name);
            writer.Write(s.Id);
            writer.Write(s.PriceDecimals);
            writer.Write(s.SizeDecimals);
            writer.Write(s.TickSize);
            writer.Write(s.LotSize);
            writer.Write(s.Currency);
            writer.Write(s.Description);
            writer.Write(s.ReferencePrice);
        }
    }

    /// <summary>Writes a status message with string/long/bool details.</summary>
    public static void WriteStatus(ref MessagePackWriter writer, string state, IReadOnlyList<KeyValuePair<string, object?>> details)
    {
        writer.WriteArrayHeader(3);
        writer.Write((int)MessageKind.Status);
        writer.Write(state);
        writer.WriteMapHeader(details.Count);
        foreach (var (key, value) in details)
        {
            writer.Write(key);
            WriteScalar(ref writer, value);
        }
    }

    /// <summary>Writes a replay start.</summary>
    public static void WriteReplayStart(ref MessagePackWriter writer, long requestId, long replayId, string dataset, long from, long to, string speed, DeliveryMode mode, IReadOnlyList<SymbolInfo> symbols)
    {
        writer.WriteArrayHeader(9);
        writer.Write((int)MessageKind.ReplayStart);
        writer.Write(requestId);
        writer.Write(replayId);
        writer.Write(dataset);
        writer.Write(from);
        writer.Write(to);
        writer.Write(speed);
        writer.Write(mode.Name());
        WriteSymbolRefs(ref writer, symbols);
    }

    /// <summary>
    /// Writes a replay end: <c>[8, requestId, replayId, reason, ticksSent, damage]</c>, <c>damage</c> nil or the first
    /// <see cref="ReplayDamage.MaxEntries"/> of <paramref name="damage"/> as <c>[kind, offset, length, afterTime, beforeTime, description]</c>.
    /// </summary>
    public static void WriteReplayEnd(ref MessagePackWriter writer, long requestId, long replayId, string reason, long ticksSent, IReadOnlyList<ReplayDamage>? damage = null)
    {
        writer.WriteArrayHeader(6);
        writer.Write((int)MessageKind.ReplayEnd);
        writer.Write(requestId);
        writer.Write(replayId);
        writer.Write(reason);
        writer.Write(ticksSent);
        if (damage is null || damage.Count == 0)
        {
            writer.WriteNil();
            return;
        }

        int n = Math.Min(damage.Count, ReplayDamage.MaxEntries);
        writer.WriteArrayHeader(n);
        for (int i = 0; i < n; i++)
        {
            var d = damage[i];
            writer.WriteArrayHeader(6);
            writer.Write(d.Kind);
            writer.Write(d.Offset);
            writer.Write(d.Length);
            writer.Write(d.AfterTimestamp);
            writer.Write(d.BeforeTimestamp);
            writer.Write(d.Description);
        }
    }

    /// <summary>Writes a replay status.</summary>
    public static void WriteReplayStatus(ref MessagePackWriter writer, long replayId, string state, string speed, long position, long requestId = 0)
    {
        writer.WriteArrayHeader(6);
        writer.Write((int)MessageKind.ReplayStatus);
        writer.Write(replayId);
        writer.Write(state);
        writer.Write(speed);
        writer.Write(position);
        writer.Write(requestId);
    }

    /// <summary>Writes a catalog.</summary>
    public static void WriteCatalog(ref MessagePackWriter writer, long requestId, IReadOnlyList<CatalogEntry> datasets)
    {
        writer.WriteArrayHeader(3);
        writer.Write((int)MessageKind.Catalog);
        writer.Write(requestId);
        writer.WriteArrayHeader(datasets.Count);
        foreach (var d in datasets)
        {
            writer.WriteArrayHeader(d.FlagCounts is null ? 8 : 9);
            writer.Write(d.Dataset);
            writer.WriteArrayHeader(d.Symbols.Count);
            foreach (string s in d.Symbols)
            {
                writer.Write(s);
            }

            writer.Write(d.From);
            writer.Write(d.To);
            writer.Write(d.TickCount);
            writer.Write(d.State);
            writer.Write(d.Readable);
            writer.Write(d.Damage);
            if (d.FlagCounts is not null)
            {
                writer.WriteMapHeader(d.FlagCounts.Count);
                foreach (var (flag, count) in d.FlagCounts)
                {
                    writer.Write(flag);
                    writer.Write(count);
                }
            }
        }
    }

    /// <summary>
    /// Writes a bars reply: <c>[15, requestId, symbol, interval, priceDecimals, sizeDecimals, bars, complete]</c>, each bar
    /// <c>[start, open, high, low, close, volume, count, basis, closed]</c> (docs/protocol.md 4.15).
    /// </summary>
    public static void WriteBars(ref MessagePackWriter writer, long requestId, string symbol, string interval, int priceDecimals, int sizeDecimals, IReadOnlyList<Core.Bars.Bar> bars, bool lastIsOpen, bool complete)
    {
        writer.WriteArrayHeader(8);
        writer.Write((int)MessageKind.Bars);
        writer.Write(requestId);
        writer.Write(symbol);
        writer.Write(interval);
        writer.Write(priceDecimals);
        writer.Write(sizeDecimals);
        writer.WriteArrayHeader(bars.Count);
        for (int i = 0; i < bars.Count; i++)
        {
            Core.Bars.Bar b = bars[i];
            writer.WriteArrayHeader(9);
            writer.Write(b.Start);
            writer.Write(b.Open);
            writer.Write(b.High);
            writer.Write(b.Low);
            writer.Write(b.Close);
            writer.Write(b.Volume);
            writer.Write(b.Count);
            writer.Write((int)b.Basis);
            writer.Write(!(lastIsOpen && i == bars.Count - 1)); // closed
        }

        writer.Write(complete);
    }

    /// <summary>
    /// Writes a live bar update: <c>[16, symbolId, interval, start, open, high, low, close, volume, count, basis, closed]</c>
    /// (docs/protocol.md 4.12). Allocates nothing.
    /// </summary>
    public static void WriteBarUpdate(ref MessagePackWriter writer, int symbolId, string interval, in Core.Bars.Bar bar, bool closed)
    {
        writer.WriteArrayHeader(12);
        writer.Write((int)MessageKind.BarUpdate);
        writer.Write(symbolId);
        writer.Write(interval);
        writer.Write(bar.Start);
        writer.Write(bar.Open);
        writer.Write(bar.High);
        writer.Write(bar.Low);
        writer.Write(bar.Close);
        writer.Write(bar.Volume);
        writer.Write(bar.Count);
        writer.Write((int)bar.Basis);
        writer.Write(closed);
    }

    private static void WriteSymbolRefs(ref MessagePackWriter writer, IReadOnlyList<SymbolInfo> symbols)
    {
        writer.WriteArrayHeader(symbols.Count);
        foreach (var s in symbols)
        {
            writer.WriteArrayHeader(4);
            writer.Write(s.Name);
            writer.Write(s.Id);
            writer.Write(s.PriceDecimals);
            writer.Write(s.SizeDecimals);
        }
    }

    private static void WriteNullableString(ref MessagePackWriter writer, string? value)
    {
        if (value is null)
        {
            writer.WriteNil();
        }
        else
        {
            writer.Write(value);
        }
    }

    private static void WriteScalar(ref MessagePackWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNil(); break;
            case string s: writer.Write(s); break;
            case bool b: writer.Write(b); break;
            case int i: writer.Write(i); break;
            case long l: writer.Write(l); break;
            case double d: writer.Write(d); break;
            default: writer.Write(value.ToString()); break;
        }
    }
}
