using MarketFeed.Core;
using MessagePack;

namespace MarketFeed.Protocol;

/// <summary>
/// Decodes server frames (client side). <c>Decode</c> produces typed messages;
/// <see cref="TryReadTick"/> is the allocation-free path for quote/trade messages used by load clients.
/// </summary>
public static class FrameDecoder
{
    /// <summary>Decodes every message of a frame into <paramref name="output"/>.</summary>
    /// <exception cref="MessagePackSerializationException">The frame is not a valid MarketFeed frame.</exception>
    public static void Decode(ReadOnlyMemory<byte> frame, ICollection<ServerMessage> output)
    {
        var reader = new MessagePackReader(frame);
        int count = reader.ReadArrayHeader();
        for (int i = 0; i < count; i++)
        {
            output.Add(ReadMessage(ref reader));
        }
    }

    /// <summary>Decodes every message of a frame into a new list.</summary>
    public static List<ServerMessage> Decode(ReadOnlyMemory<byte> frame)
    {
        var list = new List<ServerMessage>();
        Decode(frame, list);
        return list;
    }

    /// <summary>
    /// Reads the frame array header; then call <see cref="TryReadTick"/> or <see cref="ReadMessage"/>
    /// once per message.
    /// </summary>
    public static int ReadFrameHeader(ref MessagePackReader reader) => reader.ReadArrayHeader();

    /// <summary>
    /// Reads the next message: if it is a quote or trade, fills <paramref name="tick"/> and returns true;
    /// otherwise returns false with <paramref name="other"/> set to the decoded message.
    /// </summary>
    public static bool TryReadTick(ref MessagePackReader reader, out Tick tick, out ServerMessage? other)
    {
        var peek = reader.CreatePeekReader();
        int fields = peek.ReadArrayHeader();
        int kind = peek.ReadInt32();
        if (kind is (int)MessageKind.Quote or (int)MessageKind.Trade)
        {
            reader = peek;
            tick = default;
            tick.Kind = (TickKind)kind;
            tick.SymbolId = reader.ReadInt32();
            tick.Sequence = reader.ReadInt64();
            tick.Timestamp = reader.ReadInt64();
            if (kind == (int)MessageKind.Quote)
            {
                tick.BidPrice = reader.ReadInt64();
                tick.BidSize = reader.ReadInt64();
                tick.AskPrice = reader.ReadInt64();
                tick.AskSize = reader.ReadInt64();
                if (fields >= 9)
                {
                    tick.Flags = (TickFlags)reader.ReadUInt16();
                }

                SkipExtra(ref reader, fields - 9);
            }
            else
            {
                tick.Price = reader.ReadInt64();
                tick.Size = reader.ReadInt64();
                tick.Side = (TradeSide)reader.ReadInt32();
                tick.CumulativeVolume = reader.ReadInt64();
                tick.TradeCount = reader.ReadInt64();
                if (fields >= 10)
                {
                    tick.Flags = (TickFlags)reader.ReadUInt16();
                }

                SkipExtra(ref reader, fields - 10);
            }

            other = null;
            return true;
        }

        tick = default;
        other = ReadMessage(ref reader);
        return false;
    }

    /// <summary>Reads one message.</summary>
    public static ServerMessage ReadMessage(ref MessagePackReader reader)
    {
        int fields = reader.ReadArrayHeader();
        if (fields < 1)
        {
            throw new MessagePackSerializationException("empty message array");
        }

        int kind = reader.ReadInt32();
        int used;
        ServerMessage message;
        switch ((MessageKind)kind)
        {
            case MessageKind.Quote:
                message = new QuoteMessage(reader.ReadInt32(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64());
                used = 8;
                if (fields >= 9)
                {
                    message = ((QuoteMessage)message) with { Flags = (TickFlags)reader.ReadUInt16() };
                    used = 9;
                }

                break;
            case MessageKind.Trade:
                message = new TradeMessage(reader.ReadInt32(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), (TradeSide)reader.ReadInt32(), reader.ReadInt64(), reader.ReadInt64());
                used = 9;
                if (fields >= 10)
                {
                    message = ((TradeMessage)message) with { Flags = (TickFlags)reader.ReadUInt16() };
                    used = 10;
                }

                break;
            case MessageKind.SubscribeAck:
            {
                long id = reader.ReadInt64();
                DeliveryMode mode = DeliveryModeNames.TryParse(reader.ReadString(), out var m) ? m : default; // an unknown mode name decodes as the default
                int throttle = reader.ReadInt32();
                List<SymbolRef> refs = ReadSymbolRefs(ref reader);
                List<bool>? recovered = null;
                if (fields >= 6)
                {
                    int n = reader.ReadArrayHeader();
                    recovered = new List<bool>(n);
                    for (int i = 0; i < n; i++)
                    {
                        recovered.Add(reader.ReadBoolean());
                    }
                }

                message = new SubscribeAckMessage(id, mode, throttle, refs) { Recovered = recovered };
                used = fields >= 6 ? 6 : 5;
                break;
            }

            case MessageKind.Snapshot:
            {
                var s = new MarketSnapshot
                {
                    SymbolId = reader.ReadInt32(),
                    Sequence = reader.ReadInt64(),
                    QuoteSequence = reader.ReadInt64(),
                    QuoteTimestamp = reader.ReadInt64(),
                    BidPrice = reader.ReadInt64(),
                    BidSize = reader.ReadInt64(),
                    AskPrice = reader.ReadInt64(),
                    AskSize = reader.ReadInt64(),
                    TradeSequence = reader.ReadInt64(),
                    TradeTimestamp = reader.ReadInt64(),
                    LastPrice = reader.ReadInt64(),
                    LastSize = reader.ReadInt64(),
                    LastSide = (TradeSide)reader.ReadInt32(),
                    CumulativeVolume = reader.ReadInt64(),
                    TradeCount = reader.ReadInt64(),
                };
                message = new SnapshotMessage(s);
                used = 16;
                break;
            }

            case MessageKind.Basket:
            {
                long id = reader.ReadInt64();
                long global = reader.ReadInt64();
                long epoch = reader.ReadInt64();
                int n = reader.ReadArrayHeader();
                var states = new List<MarketSnapshot>(n);
                for (int i = 0; i < n; i++)
                {
                    if (ReadMessage(ref reader) is not SnapshotMessage entry)
                    {
                        throw new MessagePackSerializationException("a basket entry is not a snapshot");
                    }

                    states.Add(entry.State);
                }

                message = new BasketMessage(id, global, epoch, states);
                used = 5;
                break;
            }

            case MessageKind.Error:
            {
                long id = reader.ReadInt64();
                int code = reader.ReadInt32();
                string codeName = reader.ReadString() ?? string.Empty;
                string text = reader.ReadString() ?? string.Empty;
                string? symbol = reader.ReadString();
                List<string>? symbols = fields >= 7 && !reader.TryReadNil() ? ReadStrings(ref reader) : null;
                message = new ErrorMessage(id, code, codeName, text, symbol, symbols);
                used = fields >= 7 ? 7 : 6;
                break;
            }

            case MessageKind.Heartbeat:
                message = new HeartbeatMessage(reader.ReadInt64());
                used = 2;
                break;
            case MessageKind.ReplayStart:
            {
                long id = reader.ReadInt64();
                long replayId = reader.ReadInt64();
                string dataset = reader.ReadString() ?? string.Empty;
                long from = reader.ReadInt64();
                long to = reader.ReadInt64();
                string speed = reader.ReadString() ?? string.Empty;
                DeliveryMode mode = DeliveryModeNames.TryParse(reader.ReadString(), out var m) ? m : default; // an unknown mode name decodes as the default
                message = new ReplayStartMessage(id, replayId, dataset, from, to, speed, mode, ReadSymbolRefs(ref reader));
                used = 9;
                break;
            }

            case MessageKind.ReplayEnd:
                message = new ReplayEndMessage(reader.ReadInt64(), reader.ReadInt64(), reader.ReadString() ?? string.Empty, reader.ReadInt64());
                used = 5;
                if (fields >= 6)
                {
                    // Appended (issue 10): where the damage the replay met lies, or nil.
                    message = (ReplayEndMessage)message with { Damage = ReadReplayDamage(ref reader) };
                    used = 6;
                }

                break;
            case MessageKind.Status:
            {
                string state = reader.ReadString() ?? string.Empty;
                int n = reader.ReadMapHeader();
                var details = new Dictionary<string, object?>(n, StringComparer.Ordinal);
                for (int i = 0; i < n; i++)
                {
                    string key = reader.ReadString() ?? string.Empty;
                    details[key] = ReadScalar(ref reader);
                }

                message = new StatusMessage(state, details);
                used = 3;
                break;
            }

            case MessageKind.Pong:
                message = new PongMessage(reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64());
                used = 4;
                break;
            case MessageKind.SymbolDirectory:
            {
                long id = reader.ReadInt64();
                int n = reader.ReadArrayHeader();
                var list = new List<SymbolInfo>(n);
                for (int i = 0; i < n; i++)
                {
                    int f = reader.ReadArrayHeader();
                    var info = new SymbolInfo(
                        Name: reader.ReadString() ?? string.Empty,
                        Id: reader.ReadInt32(),
                        PriceDecimals: reader.ReadInt32(),
                        SizeDecimals: reader.ReadInt32(),
                        TickSize: reader.ReadInt64(),
                        LotSize: reader.ReadInt64(),
                        Currency: reader.ReadString() ?? string.Empty,
                        Description: reader.ReadString() ?? string.Empty,
                        ReferencePrice: f >= 9 ? reader.ReadInt64() : 0);
                    SkipExtra(ref reader, f - 9);
                    list.Add(info);
                }

                message = new SymbolDirectoryMessage(id, list);
                used = 3;
                break;
            }

            case MessageKind.UnsubscribeAck:
            {
                long id = reader.ReadInt64();
                message = new UnsubscribeAckMessage(id, ReadStrings(ref reader));
                used = 3;
                break;
            }

            case MessageKind.Catalog:
            {
                long id = reader.ReadInt64();
                int n = reader.ReadArrayHeader();
                var list = new List<CatalogEntry>(n);
                for (int i = 0; i < n; i++)
                {
                    int f = reader.ReadArrayHeader();
                    var entry = new CatalogEntry(reader.ReadString() ?? string.Empty, ReadStrings(ref reader), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64());
                    if (f >= 8)
                    {
                        // Appended in protocol 1.x: older servers send 5 elements (state then defaults to intact).
                        entry = entry with { State = reader.ReadString() ?? CatalogEntry.Intact, ReadableTicks = reader.ReadInt64(), Damage = reader.ReadString() };
                    }

                    if (f >= 9)
                    {
                        // Appended later (flag counts): a map of flag name to tick count, or nil.
                        entry = entry with { FlagCounts = ReadFlagCounts(ref reader) };
                    }

                    list.Add(entry);
                    SkipExtra(ref reader, f - (f >= 9 ? 9 : f >= 8 ? 8 : 5));
                }

                message = new CatalogMessage(id, list);
                used = 3;
                break;
            }

            case MessageKind.Bars:
            {
                long id = reader.ReadInt64();
                string symbol = reader.ReadString() ?? string.Empty;
                string interval = reader.ReadString() ?? string.Empty;
                int priceDecimals = reader.ReadInt32();
                int sizeDecimals = reader.ReadInt32();
                int n = reader.ReadArrayHeader();
                var bars = new List<BarEntry>(n);
                for (int i = 0; i < n; i++)
                {
                    int f = reader.ReadArrayHeader();
                    bars.Add(new BarEntry(reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), (Core.Bars.BarBasis)reader.ReadInt32(), reader.ReadBoolean()));
                    SkipExtra(ref reader, f - 9);
                }

                message = new BarsMessage(id, symbol, interval, priceDecimals, sizeDecimals, bars, reader.ReadBoolean());
                used = 8;
                break;
            }

            case MessageKind.BarUpdate:
            {
                int symbolId = reader.ReadInt32();
                string interval = reader.ReadString() ?? string.Empty;
                var bar = new BarEntry(reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), (Core.Bars.BarBasis)reader.ReadInt32(), reader.ReadBoolean());
                message = new BarUpdateMessage(symbolId, interval, bar);
                used = 12;
                break;
            }

            case MessageKind.ReplayStatus:
            {
                long replayId = reader.ReadInt64();
                string state = reader.ReadString() ?? string.Empty;
                string speed = reader.ReadString() ?? string.Empty;
                long position = reader.ReadInt64();
                long requestId = fields >= 6 ? reader.ReadInt64() : 0;
                message = new ReplayStatusMessage(replayId, state, speed, position, requestId);
                used = fields >= 6 ? 6 : 5;
                break;
            }
            default:
                message = new UnknownMessage(kind);
                used = 1;
                break;
        }

        SkipExtra(ref reader, fields - used);
        return message;
    }

    private static List<SymbolRef> ReadSymbolRefs(ref MessagePackReader reader)
    {
        int n = reader.ReadArrayHeader();
        var list = new List<SymbolRef>(n);
        for (int i = 0; i < n; i++)
        {
            int f = reader.ReadArrayHeader();
            list.Add(new SymbolRef(reader.ReadString() ?? string.Empty, reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32()));
            SkipExtra(ref reader, f - 4);
        }

        return list;
    }

    private static List<ReplayDamage>? ReadReplayDamage(ref MessagePackReader reader)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        int n = reader.ReadArrayHeader();
        var list = new List<ReplayDamage>(n);
        for (int i = 0; i < n; i++)
        {
            int f = reader.ReadArrayHeader();
            list.Add(new ReplayDamage(reader.ReadString() ?? string.Empty, reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadString() ?? string.Empty));
            SkipExtra(ref reader, f - 6);
        }

        return list;
    }

    private static Dictionary<string, long>? ReadFlagCounts(ref MessagePackReader reader)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        int n = reader.ReadMapHeader();
        var counts = new Dictionary<string, long>(n, StringComparer.Ordinal);
        for (int i = 0; i < n; i++)
        {
            string key = reader.ReadString() ?? string.Empty;
            counts[key] = reader.ReadInt64();
        }

        return counts;
    }

    private static List<string> ReadStrings(ref MessagePackReader reader)
    {
        int n = reader.ReadArrayHeader();
        var list = new List<string>(n);
        for (int i = 0; i < n; i++)
        {
            list.Add(reader.ReadString() ?? string.Empty);
        }

        return list;
    }

    private static object? ReadScalar(ref MessagePackReader reader)
    {
        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Nil:
                reader.ReadNil();
                return null;
            case MessagePackType.Boolean:
                return reader.ReadBoolean();
            case MessagePackType.Integer:
                return reader.ReadInt64();
            case MessagePackType.Float:
                return reader.ReadDouble();
            case MessagePackType.String:
                return reader.ReadString();
            default:
                reader.Skip();
                return null;
        }
    }

    private static void SkipExtra(ref MessagePackReader reader, int extra)
    {
        for (int i = 0; i < extra; i++)
        {
            reader.Skip();
        }
    }
}
