using System.Buffers;
using MarketFeed.Core;
using MessagePack;

namespace MarketFeed.Sources.TickLog;

/// <summary>
/// MessagePack encoding of ticks inside a block. Each tick is an array
/// <c>[symbolId, kind, side, flags, seq, tsDelta, recvDelta|nil, a, b, c, d]</c> where
/// <c>tsDelta</c> is relative to the previous tick's timestamp in the block (the first tick: to the
/// block's minimum timestamp), <c>recvDelta</c> is receive time minus timestamp (nil when
/// unknown) and <c>a..d</c> are bid/bidSize/ask/askSize (quote) or price/size/cumVolume/count (trade).
/// </summary>
internal static class TickCodec
{
    public static void EncodeBlock(IBufferWriter<byte> output, ReadOnlySpan<Tick> ticks, long baseTimestamp)
    {
        var w = new MessagePackWriter(output);
        long prev = baseTimestamp;
        for (int i = 0; i < ticks.Length; i++)
        {
            ref readonly Tick t = ref ticks[i];
            w.WriteArrayHeader(TickLogFormat.TickFieldCount);
            w.Write(t.SymbolId);
            w.Write((byte)t.Kind);
            w.Write((byte)t.Side);
            w.Write((ushort)t.Flags);
            w.Write(t.Sequence);
            w.Write(t.Timestamp - prev);
            prev = t.Timestamp;
            if (t.ReceiveTimestamp == 0)
            {
                w.WriteNil();
            }
            else
            {
                w.Write(t.ReceiveTimestamp - t.Timestamp);
            }

            w.Write(t.BidPrice);
            w.Write(t.BidSize);
            w.Write(t.AskPrice);
            w.Write(t.AskSize);
        }

        w.Flush();
    }

    /// <summary>Decodes <c>destination.Length</c> ticks; throws <see cref="MessagePackSerializationException"/> or <see cref="InvalidDataException"/> on malformed data.</summary>
    public static void DecodeBlock(ReadOnlyMemory<byte> payload, long baseTimestamp, Span<Tick> destination, int symbolCount)
    {
        var r = new MessagePackReader(payload);
        long prev = baseTimestamp;
        for (int i = 0; i < destination.Length; i++)
        {
            int n = r.ReadArrayHeader();
            if (n < TickLogFormat.TickFieldCount)
            {
                throw new InvalidDataException($"tick {i} has {n} fields");
            }

            ref Tick t = ref destination[i];
            t = default;
            t.SymbolId = r.ReadInt32();
            if ((uint)t.SymbolId >= (uint)symbolCount)
            {
                throw new InvalidDataException($"tick {i} has symbol id {t.SymbolId} outside the symbol table");
            }

            t.Kind = (TickKind)r.ReadByte();
            t.Side = (TradeSide)r.ReadByte();
            t.Flags = (TickFlags)r.ReadUInt16();
            t.Sequence = r.ReadInt64();
            t.Timestamp = prev + r.ReadInt64();
            prev = t.Timestamp;
            t.ReceiveTimestamp = r.TryReadNil() ? 0 : t.Timestamp + r.ReadInt64();
            t.BidPrice = r.ReadInt64();
            t.BidSize = r.ReadInt64();
            t.AskPrice = r.ReadInt64();
            t.AskSize = r.ReadInt64();
            for (int k = TickLogFormat.TickFieldCount; k < n; k++)
            {
                r.Skip();
            }
        }

        if (!r.End)
        {
            throw new InvalidDataException("trailing bytes after the last tick of a block");
        }
    }
}
