using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using MessagePack;

namespace MarketFeed.Sources.TickLog;

/// <summary>
/// Constants and low-level helpers of the tick log file format (see docs/tick-log.md).
/// All fixed-size integers are little-endian.
/// </summary>
public static class TickLogFormat
{
    /// <summary>Conventional file extension of tick logs.</summary>
    public const string FileExtension = ".mflog";

    /// <summary>Current format version.</summary>
    public const ushort Version = 1;

    /// <summary>Size of the fixed part of the file header (magic, version, flags, body length).</summary>
    public const int FileHeaderFixedSize = 16;

    /// <summary>Size of a block header.</summary>
    public const int BlockHeaderSize = 44;

    /// <summary>Size of one footer index entry.</summary>
    public const int IndexEntrySize = 32;

    /// <summary>Size of the trailer at the very end of a closed file.</summary>
    public const int TrailerSize = 16;

    /// <summary>Block magic "MFB1" as a little-endian uint.</summary>
    public const uint BlockMagic = 0x3142464D;

    /// <summary>Index record magic "MFI1".</summary>
    public const uint IndexMagic = 0x3149464D;

    /// <summary>Trailer magic "MFIE".</summary>
    public const uint TrailerMagic = 0x4549464D;

    /// <summary>Largest accepted block payload (sanity bound when scanning damaged files).</summary>
    public const int MaxPayloadLength = 64 * 1024 * 1024;

    /// <summary>Number of MessagePack array elements per encoded tick.</summary>
    internal const int TickFieldCount = 11;

    /// <summary>File magic: "MFTICKLG".</summary>
    internal static ReadOnlySpan<byte> FileMagic => "MFTICKLG"u8;

    internal static ReadOnlySpan<byte> BlockMagicBytes => "MFB1"u8;

    /// <summary>Writes the file header: magic, version, flags, body length, MessagePack body, CRC32 of the body.</summary>
    internal static byte[] BuildFileHeader(IReadOnlyList<TickLogSymbol> symbols, long createdTimestamp, string source)
    {
        var body = new ArrayBufferWriter<byte>(256);
        var w = new MessagePackWriter(body);
        w.WriteArrayHeader(3);
        w.Write(createdTimestamp);
        w.Write(source);
        w.WriteArrayHeader(symbols.Count);
        foreach (var s in symbols)
        {
            w.WriteArrayHeader(3);
            w.Write(s.Name);
            w.Write(s.PriceDecimals);
            w.Write(s.SizeDecimals);
        }

        w.Flush();
        byte[] header = new byte[FileHeaderFixedSize + body.WrittenCount + 4];
        FileMagic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), Version);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(10), 0);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), body.WrittenCount);
        body.WrittenSpan.CopyTo(header.AsSpan(FileHeaderFixedSize));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(FileHeaderFixedSize + body.WrittenCount), Crc32.HashToUInt32(body.WrittenSpan));
        return header;
    }

    /// <summary>Parses the header body written by <see cref="BuildFileHeader"/>.</summary>
    internal static (long Created, string Source, TickLogSymbol[] Symbols) ParseHeaderBody(ReadOnlyMemory<byte> body)
    {
        var r = new MessagePackReader(body);
        int n = r.ReadArrayHeader();
        if (n < 3)
        {
            throw new InvalidDataException("tick log header body has too few fields");
        }

        long created = r.ReadInt64();
        string source = r.ReadString() ?? string.Empty;
        int count = r.ReadArrayHeader();
        var symbols = new TickLogSymbol[count];
        for (int i = 0; i < count; i++)
        {
            int m = r.ReadArrayHeader();
            string name = r.ReadString() ?? throw new InvalidDataException("symbol name is nil");
            int pd = r.ReadInt32();
            int sd = r.ReadInt32();
            for (int k = 3; k < m; k++)
            {
                r.Skip();
            }

            symbols[i] = new TickLogSymbol(name, pd, sd);
        }

        return (created, source, symbols);
    }

    /// <summary>Fills a block header. The header CRC covers bytes 0..39.</summary>
    internal static void WriteBlockHeader(Span<byte> h, int payloadLength, int rawLength, int tickCount, uint payloadCrc, long firstTs, long lastTs)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(h, BlockMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], 0);
        BinaryPrimitives.WriteInt32LittleEndian(h[8..], payloadLength);
        BinaryPrimitives.WriteInt32LittleEndian(h[12..], rawLength);
        BinaryPrimitives.WriteInt32LittleEndian(h[16..], tickCount);
        BinaryPrimitives.WriteUInt32LittleEndian(h[20..], payloadCrc);
        BinaryPrimitives.WriteInt64LittleEndian(h[24..], firstTs);
        BinaryPrimitives.WriteInt64LittleEndian(h[32..], lastTs);
        BinaryPrimitives.WriteUInt32LittleEndian(h[40..], Crc32.HashToUInt32(h[..40]));
    }

    /// <summary>Validates a block header (magic, header CRC, sane lengths).</summary>
    internal static bool TryParseBlockHeader(ReadOnlySpan<byte> h, long offset, out TickLogBlockInfo info, out uint payloadCrc, out ushort flags)
    {
        info = default;
        payloadCrc = 0;
        flags = 0;
        if (h.Length < BlockHeaderSize || BinaryPrimitives.ReadUInt32LittleEndian(h) != BlockMagic)
        {
            return false;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(h[40..]) != Crc32.HashToUInt32(h[..40]))
        {
            return false;
        }

        flags = BinaryPrimitives.ReadUInt16LittleEndian(h[4..]);
        int payloadLength = BinaryPrimitives.ReadInt32LittleEndian(h[8..]);
        int tickCount = BinaryPrimitives.ReadInt32LittleEndian(h[16..]);
        if ((uint)payloadLength > MaxPayloadLength || tickCount < 0)
        {
            return false;
        }

        payloadCrc = BinaryPrimitives.ReadUInt32LittleEndian(h[20..]);
        info = new TickLogBlockInfo(
            offset,
            payloadLength,
            tickCount,
            BinaryPrimitives.ReadInt64LittleEndian(h[24..]),
            BinaryPrimitives.ReadInt64LittleEndian(h[32..]));
        return true;
    }
}
