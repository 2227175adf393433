using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using MarketFeed.Core;
using MessagePack;

namespace MarketFeed.Protocol;

/// <summary>
/// Hot-path encoder of quote and trade messages straight into a span: the same bytes
/// <see cref="MessageEncoder"/> writes (smallest MessagePack integer format, as MessagePackWriter
/// picks it), without a writer per message. FrameEncodeBenchmarks shows why it exists.
/// </summary>
public static class TickMessageWriter
{
    /// <summary>Writes the quote or trade message for a sequenced tick; returns the byte count (at most <see cref="MessageEncoder.MaxMarketDataMessageBytes"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Write(in Tick tick, Span<byte> destination)
    {
        if (destination.Length < MessageEncoder.MaxMarketDataMessageBytes)
        {
            throw new ArgumentException("destination too small", nameof(destination));
        }

        int n;
        if (tick.Kind == TickKind.Quote)
        {
            destination[0] = MessagePackCode.MinFixArray | 9;
            destination[1] = (byte)MessageKind.Quote;
            n = 2;
            n += WriteInt64(destination[n..], tick.SymbolId);
            n += WriteInt64(destination[n..], tick.Sequence);
            n += WriteInt64(destination[n..], tick.Timestamp);
            n += WriteInt64(destination[n..], tick.BidPrice);
            n += WriteInt64(destination[n..], tick.BidSize);
            n += WriteInt64(destination[n..], tick.AskPrice);
            n += WriteInt64(destination[n..], tick.AskSize);
            n += WriteInt64(destination[n..], (ushort)tick.Flags);
        }
        else
        {
            destination[0] = MessagePackCode.MinFixArray | 10;
            destination[1] = (byte)MessageKind.Trade;
            n = 2;
            n += WriteInt64(destination[n..], tick.SymbolId);
            n += WriteInt64(destination[n..], tick.Sequence);
            n += WriteInt64(destination[n..], tick.Timestamp);
            n += WriteInt64(destination[n..], tick.Price);
            n += WriteInt64(destination[n..], tick.Size);
            n += WriteInt64(destination[n..], (int)tick.Side);
            n += WriteInt64(destination[n..], tick.CumulativeVolume);
            n += WriteInt64(destination[n..], tick.TradeCount);
            n += WriteInt64(destination[n..], (ushort)tick.Flags);
        }

        return n;
    }

    /// <summary>Writes an integer in the smallest MessagePack format; returns the byte count (1..9).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int WriteInt64(Span<byte> d, long v)
    {
        if (v >= 0)
        {
            if (v <= MessagePackRange.MaxFixPositiveInt)
            {
                d[0] = (byte)v;
                return 1;
            }

            if (v <= byte.MaxValue)
            {
                d[0] = MessagePackCode.UInt8;
                d[1] = (byte)v;
                return 2;
            }

            if (v <= ushort.MaxValue)
            {
                d[0] = MessagePackCode.UInt16;
                BinaryPrimitives.WriteUInt16BigEndian(d[1..], (ushort)v);
                return 3;
            }

            if (v <= uint.MaxValue)
            {
                d[0] = MessagePackCode.UInt32;
                BinaryPrimitives.WriteUInt32BigEndian(d[1..], (uint)v);
                return 5;
            }

            d[0] = MessagePackCode.UInt64;
            BinaryPrimitives.WriteUInt64BigEndian(d[1..], (ulong)v);
            return 9;
        }

        if (v >= MessagePackRange.MinFixNegativeInt)
        {
            d[0] = unchecked((byte)(sbyte)v);
            return 1;
        }

        if (v >= sbyte.MinValue)
        {
            d[0] = MessagePackCode.Int8;
            d[1] = unchecked((byte)(sbyte)v);
            return 2;
        }

        if (v >= short.MinValue)
        {
            d[0] = MessagePackCode.Int16;
            BinaryPrimitives.WriteInt16BigEndian(d[1..], (short)v);
            return 3;
        }

        if (v >= int.MinValue)
        {
            d[0] = MessagePackCode.Int32;
            BinaryPrimitives.WriteInt32BigEndian(d[1..], (int)v);
            return 5;
        }

        d[0] = MessagePackCode.Int64;
        BinaryPrimitives.WriteInt64BigEndian(d[1..], v);
        return 9;
    }
}
