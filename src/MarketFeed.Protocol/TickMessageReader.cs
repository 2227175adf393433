using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using MarketFeed.Core;
using MessagePack;

namespace MarketFeed.Protocol;

/// <summary>
/// Hot-path decoder of quote and trade messages straight from a span, the mirror of
/// <see cref="TickMessageWriter"/>: accepts any MessagePack integer format for every field, but
/// only the exact message shapes of this protocol version (9-field quote and 10-field trade with
/// flags, and the 8/9-field shapes of servers from before flags were appended). Anything
/// else (other kinds, extra fields a newer server may append) is left to <see cref="FrameDecoder"/>.
/// FrameDecodeBenchmarks shows why it exists.
/// </summary>
public static class TickMessageReader
{
    private const byte QuoteHeader = MessagePackCode.MinFixArray | 9;
    private const byte TradeHeader = MessagePackCode.MinFixArray | 10;
    private const byte QuoteHeaderNoFlags = MessagePackCode.MinFixArray | 8;
    private const byte TradeHeaderNoFlags = MessagePackCode.MinFixArray | 9;

    /// <summary>
    /// Reads a quote or trade message at the start of <paramref name="source"/>. Returns the bytes
    /// it took, or 0 (with <paramref name="tick"/> unspecified) when the message there is anything
    /// else: another kind, another shape, or bytes that are not a valid message — the general
    /// decoder then reads it and reports what is wrong.
    /// </summary>
    public static int TryRead(ReadOnlySpan<byte> source, out Tick tick)
    {
        tick = default;
        if (source.Length < 10)
        {
            return 0;
        }

        byte header = source[0];
        byte kind = source[1];
        int n = 2;
        if ((header == QuoteHeader || header == QuoteHeaderNoFlags) && kind == (byte)MessageKind.Quote)
        {
            tick.Kind = TickKind.Quote;
            if (!TryReadSymbolId(source, ref n, out tick.SymbolId)
                || !TryReadInt64(source, ref n, out tick.Sequence)
                || !TryReadInt64(source, ref n, out tick.Timestamp)
                || !TryReadInt64(source, ref n, out tick.BidPrice)
                || !TryReadInt64(source, ref n, out tick.BidSize)
                || !TryReadInt64(source, ref n, out tick.AskPrice)
                || !TryReadInt64(source, ref n, out tick.AskSize)
                || (header == QuoteHeader && !TryReadFlags(source, ref n, out tick.Flags)))
            {
                return 0;
            }

            return n;
        }

        if ((header == TradeHeader || header == TradeHeaderNoFlags) && kind == (byte)MessageKind.Trade)
        {
            tick.Kind = TickKind.Trade;
            if (!TryReadSymbolId(source, ref n, out tick.SymbolId)
                || !TryReadInt64(source, ref n, out tick.Sequence)
                || !TryReadInt64(source, ref n, out tick.Timestamp)
                || !TryReadInt64(source, ref n, out tick.Price)
                || !TryReadInt64(source, ref n, out tick.Size)
                || !TryReadInt64(source, ref n, out long side)
                || (ulong)side > byte.MaxValue
                || !TryReadInt64(source, ref n, out tick.CumulativeVolume)
                || !TryReadInt64(source, ref n, out tick.TradeCount)
                || (header == TradeHeader && !TryReadFlags(source, ref n, out tick.Flags)))
            {
                return 0;
            }

            tick.Side = (TradeSide)side;
            return n;
        }

        return 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryReadFlags(ReadOnlySpan<byte> source, ref int offset, out TickFlags flags)
    {
        flags = TickFlags.None;
        int start = offset;
        if (!TryReadInt64(source, ref offset, out long value) || (ulong)value > ushort.MaxValue)
        {
            offset = start;
            return false;
        }

        flags = (TickFlags)value;
        return true;
    }

    /// <summary>
    /// Reads one MessagePack integer (any format, fixint to int64/uint64 within range) at
    /// <paramref name="offset"/> and advances it. False for anything else, a truncated value or a
    /// uint64 above <see cref="long.MaxValue"/>; the offset is then unchanged.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryReadInt64(ReadOnlySpan<byte> source, ref int offset, out long value)
    {
        int i = offset;
        if ((uint)i >= (uint)source.Length)
        {
            value = 0;
            return false;
        }

        byte code = source[i];
        if (code <= MessagePackRange.MaxFixPositiveInt)
        {
            value = code;
            offset = i + 1;
            return true;
        }

        if (code >= MessagePackCode.MinNegativeFixInt)
        {
            value = unchecked((sbyte)code);
            offset = i + 1;
            return true;
        }

        ReadOnlySpan<byte> rest = source[(i + 1)..];
        switch (code)
        {
            case MessagePackCode.UInt8 when rest.Length >= 1:
                value = rest[0];
                offset = i + 2;
                return true;
            case MessagePackCode.UInt16 when rest.Length >= 2:
                value = BinaryPrimitives.ReadUInt16BigEndian(rest);
                offset = i + 3;
                return true;
            case MessagePackCode.UInt32 when rest.Length >= 4:
                value = BinaryPrimitives.ReadUInt32BigEndian(rest);
                offset = i + 5;
                return true;
            case MessagePackCode.UInt64 when rest.Length >= 8:
                ulong u = BinaryPrimitives.ReadUInt64BigEndian(rest);
                value = unchecked((long)u);
                if (u > long.MaxValue)
                {
                    return false;
                }

                offset = i + 9;
                return true;
            case MessagePackCode.Int8 when rest.Length >= 1:
                value = unchecked((sbyte)rest[0]);
                offset = i + 2;
                return true;
            case MessagePackCode.Int16 when rest.Length >= 2:
                value = BinaryPrimitives.ReadInt16BigEndian(rest);
                offset = i + 3;
                return true;
            case MessagePackCode.Int32 when rest.Length >= 4:
                value = BinaryPrimitives.ReadInt32BigEndian(rest);
                offset = i + 5;
                return true;
            case MessagePackCode.Int64 when rest.Length >= 8:
                value = BinaryPrimitives.ReadInt64BigEndian(rest);
                offset = i + 9;
                return true;
            default:
                value = 0;
                return false;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryReadSymbolId(ReadOnlySpan<byte> source, ref int offset, out int symbolId)
    {
        if (TryReadInt64(source, ref offset, out long v) && v is >= int.MinValue and <= int.MaxValue)
        {
            symbolId = (int)v;
            return true;
        }

        symbolId = 0;
        return false;
    }
}
