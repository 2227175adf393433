using System.Buffers;
using MarketFeed.Core;
using MessagePack;

namespace MarketFeed.Gateway.ScaleOut;

/// <summary>
/// The MessagePack payloads between an ingest and its gateways (docs/scale-out.md, "Subjects and
/// payloads"). Every payload is an array whose first element is <see cref="Version"/>.
/// </summary>
/// <remarks>
/// <para>Tick batch (subject <c>PREFIX.ticks</c>):
/// <c>[1, epoch, fingerprint, firstGlobalSeq, [tick, tick, ...]]</c>; the ticks carry consecutive
/// global sequences from <c>firstGlobalSeq</c>. A tick is
/// <c>[symbolId, kind, side, flags, seq, timestamp, a, b, c, d, receiveTimestamp]</c> where a..d are
/// bid, bidSize, ask, askSize (quote) or price, size, cumVolume, tradeCount (trade).</para>
/// <para>Snapshot (subject <c>PREFIX.snap</c>): <c>[1, epoch, fingerprint, globalSeq, symbolCount,
/// [state, ...]]</c>, the state of every symbol that has ticked as of <c>globalSeq</c>; a state is
/// the symbol's last quote tick and last trade tick (each as above, or nil).</para>
/// </remarks>
public static class NatsWire
{
    /// <summary>Payload format version.</summary>
    public const int Version = 1;

    /// <summary>
    /// Identifies a universe (names, ids and scales): ingest and gateway must load the same one, or
    /// symbol ids would mean different symbols. FNV-1a 64 over "id name priceDecimals sizeDecimals".
    /// </summary>
    public static ulong Fingerprint(SymbolUniverse universe)
    {
        ulong hash = 14695981039346656037UL;
        foreach (SymbolInfo s in universe.Symbols)
        {
            foreach (char c in $"{s.Id} {s.Name} {s.PriceDecimals} {s.SizeDecimals}\n")
            {
                hash = (hash ^ c) * 1099511628211UL;
            }
        }

        return hash;
    }

    /// <summary>Writes a batch header; follow with <paramref name="count"/> <see cref="WriteTick"/> calls.</summary>
    public static void WriteBatchHeader(ref MessagePackWriter writer, long epoch, ulong fingerprint, long firstGlobalSequence, int count)
    {
        writer.WriteArrayHeader(5);
        writer.Write(Version);
        writer.Write(epoch);
        writer.Write(fingerprint);
        writer.Write(firstGlobalSequence);
        writer.WriteArrayHeader(count);
    }

    /// <summary>Writes one sequenced tick.</summary>
    public static void WriteTick(ref MessagePackWriter writer, in Tick tick)
    {
        writer.WriteArrayHeader(11);
        writer.Write(tick.SymbolId);
        writer.Write((byte)tick.Kind);
        writer.Write((byte)tick.Side);
        writer.Write((ushort)tick.Flags);
        writer.Write(tick.Sequence);
        writer.Write(tick.Timestamp);
        writer.Write(tick.BidPrice);
        writer.Write(tick.BidSize);
        writer.Write(tick.AskPrice);
        writer.Write(tick.AskSize);
        writer.Write(tick.ReceiveTimestamp);
    }

    /// <summary>Reads a batch header; the ticks follow (read each with <see cref="ReadTick"/>).</summary>
    public static BatchHeader ReadBatchHeader(ref MessagePackReader reader)
    {
        int fields = reader.ReadArrayHeader();
        if (fields < 5)
        {
            throw new InvalidDataException($"tick batch has {fields} fields, expected 5");
        }

        int version = reader.ReadInt32();
        if (version != Version)
        {
            throw new InvalidDataException($"tick batch format {version}, this node reads {Version}");
        }

        long epoch = reader.ReadInt64();
        ulong fingerprint = reader.ReadUInt64();
        long first = reader.ReadInt64();
        int count = reader.ReadArrayHeader();
        return new BatchHeader(epoch, fingerprint, first, count);
    }

    /// <summary>Reads one tick written by <see cref="WriteTick"/>.</summary>
    public static void ReadTick(ref MessagePackReader reader, out Tick tick)
    {
        int fields = reader.ReadArrayHeader();
        if (fields < 11)
        {
            throw new InvalidDataException($"tick has {fields} fields, expected 11");
        }

        tick = default;
        tick.SymbolId = reader.ReadInt32();
        tick.Kind = (TickKind)reader.ReadByte();
        tick.Side = (TradeSide)reader.ReadByte();
        tick.Flags = (TickFlags)reader.ReadUInt16();
        tick.Sequence = reader.ReadInt64();
        tick.Timestamp = reader.ReadInt64();
        tick.BidPrice = reader.ReadInt64();
        tick.BidSize = reader.ReadInt64();
        tick.AskPrice = reader.ReadInt64();
        tick.AskSize = reader.ReadInt64();
        tick.ReceiveTimestamp = reader.ReadInt64();
        for (int i = 11; i < fields; i++)
        {
            reader.Skip();
        }
    }

    /// <summary>Writes a snapshot of the given states (symbols with a sequence of 0 are left out).</summary>
    public static void WriteSnapshot(IBufferWriter<byte> output, long epoch, ulong fingerprint, long globalSequence, ReadOnlySpan<MarketSnapshot> states)
    {
        var writer = new MessagePackWriter(output);
        int present = 0;
        foreach (ref readonly MarketSnapshot s in states)
        {
            present += s.Sequence > 0 ? 1 : 0;
        }

        writer.WriteArrayHeader(6);
        writer.Write(Version);
        writer.Write(epoch);
        writer.Write(fingerprint);
        writer.Write(globalSequence);
        writer.Write(states.Length);
        writer.WriteArrayHeader(present);
        foreach (ref readonly MarketSnapshot s in states)
        {
            if (s.Sequence <= 0)
            {
                continue;
            }

            writer.WriteArrayHeader(2);
            WriteOptionalTick(ref writer, s.QuoteSequence > 0, s.QuoteTick);
            WriteOptionalTick(ref writer, s.TradeSequence > 0, s.TradeTick);
        }

        writer.Flush();
    }

    /// <summary>Reads a snapshot written by <see cref="WriteSnapshot"/>.</summary>
    public static Snapshot ReadSnapshot(ReadOnlyMemory<byte> payload)
    {
        var reader = new MessagePackReader(payload);
        int fields = reader.ReadArrayHeader();
        if (fields < 6)
        {
            throw new InvalidDataException($"snapshot has {fields} fields, expected 6");
        }

        int version = reader.ReadInt32();
        if (version != Version)
        {
            throw new InvalidDataException($"snapshot format {version}, this node reads {Version}");
        }

        long epoch = reader.ReadInt64();
        ulong fingerprint = reader.ReadUInt64();
        long globalSequence = reader.ReadInt64();
        int symbolCount = reader.ReadInt32();
        int count = reader.ReadArrayHeader();
        var states = new List<MarketSnapshot>(count);
        for (int i = 0; i < count; i++)
        {
            reader.ReadArrayHeader();
            var state = default(MarketSnapshot);
            for (int part = 0; part < 2; part++)
            {
                if (reader.TryReadNil())
                {
                    continue;
                }

                ReadTick(ref reader, out Tick tick);
                state.SymbolId = tick.SymbolId;
                state.Apply(tick);
            }

            state.Sequence = Math.Max(state.QuoteSequence, state.TradeSequence);
            states.Add(state);
        }

        return new Snapshot(epoch, fingerprint, globalSequence, symbolCount, states);
    }

    private static void WriteOptionalTick(ref MessagePackWriter writer, bool present, in Tick tick)
    {
        if (present)
        {
            WriteTick(ref writer, tick);
        }
        else
        {
            writer.WriteNil();
        }
    }

    /// <summary>A tick batch's header.</summary>
    /// <param name="Epoch">The ingest's epoch.</param>
    /// <param name="Fingerprint">The ingest's universe fingerprint.</param>
    /// <param name="FirstGlobalSequence">Global sequence of the first tick.</param>
    /// <param name="Count">Ticks in the batch.</param>
    public readonly record struct BatchHeader(long Epoch, ulong Fingerprint, long FirstGlobalSequence, int Count);

    /// <summary>A decoded snapshot.</summary>
    /// <param name="Epoch">The ingest's epoch.</param>
    /// <param name="Fingerprint">The ingest's universe fingerprint.</param>
    /// <param name="GlobalSequence">The global sequence the states are as of.</param>
    /// <param name="SymbolCount">Symbols in the ingest's universe.</param>
    /// <param name="States">The state of every symbol that has ticked.</param>
    public sealed record Snapshot(long Epoch, ulong Fingerprint, long GlobalSequence, int SymbolCount, IReadOnlyList<MarketSnapshot> States);
}
