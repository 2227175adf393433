using System.Buffers.Binary;
using System.IO.Hashing;
using MarketFeed.Core;
using MessagePack;
using Microsoft.Win32.SafeHandles;

namespace MarketFeed.Sources.TickLog;

/// <summary>
/// Reads a tick log: the symbol table, the block index (from the footer, or rebuilt by scanning
/// block headers when the file was not closed cleanly), and blocks of ticks with checksum checks.
/// Damage (torn tail, corrupt bytes, bad checksums) is never thrown: it is listed in
/// <see cref="Damage"/> and every intact block stays readable.
/// </summary>
/// <remarks>
/// Not thread-safe: one thread uses a reader. The file is opened with sharing so that a file
/// still being written (by a recorder) can be read; blocks appended after
/// <see cref="Open"/> are not seen.
/// </remarks>
public sealed class TickLogReader : IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly List<TickLogDamage> _damage = [];
    private TickLogBlockInfo[] _blocks = [];
    private long[] _prefixMaxLast = [];
    private long[] _suffixMinFirst = [];
    private TickLogDamage?[] _blockDamage = [];
    private TickLogDamage?[] _gapDamage = [];
    private byte[] _io = new byte[64 * 1024];

    private TickLogReader(string path, SafeFileHandle handle)
    {
        Path = path;
        _handle = handle;
        FileLength = RandomAccess.GetLength(handle);
    }

    /// <summary>The file path.</summary>
    public string Path { get; }

    /// <summary>File length when opened.</summary>
    public long FileLength { get; }

    /// <summary>The symbol table; a tick's <see cref="Tick.SymbolId"/> indexes it.</summary>
    public IReadOnlyList<TickLogSymbol> Symbols { get; private set; } = [];

    /// <summary>Free text from the header (who wrote the log).</summary>
    public string Source { get; private set; } = string.Empty;

    /// <summary>Creation time from the header, ns since the epoch.</summary>
    public long CreatedTimestamp { get; private set; }

    /// <summary>Offset of the first block (just past the header).</summary>
    public long DataOffset { get; private set; }

    /// <summary>True if the block index came from a valid footer (the file was closed cleanly).</summary>
    public bool HasFooterIndex { get; private set; }

    /// <summary>All blocks found, in file order.</summary>
    public IReadOnlyList<TickLogBlockInfo> Blocks => _blocks;

    /// <summary>Damage found so far: by opening (structure) and by reading blocks (checksums).</summary>
    public IReadOnlyList<TickLogDamage> Damage => _damage;

    /// <summary>Total ticks in all blocks (including blocks that may later fail their checksum).</summary>
    public long TickCount { get; private set; }

    /// <summary>Smallest block first-timestamp (0 if empty).</summary>
    public long FirstTimestamp { get; private set; }

    /// <summary>Largest block last-timestamp (0 if empty).</summary>
    public long LastTimestamp { get; private set; }

    /// <summary>
    /// Damage that the block list skips over just before block <paramref name="index"/> (a corrupt
    /// region or, for <paramref name="index"/> = <see cref="Blocks"/>.Count, a torn tail), or null.
    /// Ticks may have been lost there; a reader passing this point has not read everything written.
    /// </summary>
    public TickLogDamage? DamageBefore(int index) => _gapDamage[index];

    /// <summary>The damage found when block <paramref name="index"/> was read (checksum, header, decode), or null.</summary>
    public TickLogDamage? DamageAt(int index) => _blockDamage[index];

    /// <summary>
    /// Checks every block's header and payload checksum without decoding ticks (about the speed of
    /// reading the file); returns the number of ticks in blocks that pass. Damage goes to <see cref="Damage"/>.
    /// </summary>
    public long VerifyChecksums()
    {
        long ticks = 0;
        for (int i = 0; i < _blocks.Length; i++)
        {
            if (TryReadVerified(i, out _))
            {
                ticks += _blocks[i].TickCount;
            }
        }

        return ticks;
    }

    /// <summary>Opens a tick log. Throws <see cref="InvalidDataException"/> only if the file header itself is unreadable.</summary>
    public static TickLogReader Open(string path)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var reader = new TickLogReader(path, handle);
        try
        {
            reader.ReadHeader();
            if (!reader.TryLoadFooterIndex())
            {
                reader.ScanBlocks();
            }

            reader.BuildDerived();
            return reader;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Index of the first block that may hold a tick with timestamp &gt;= <paramref name="timestamp"/>
    /// (every earlier block holds only earlier ticks); <see cref="Blocks"/>.Count if none. Binary search, no I/O.
    /// </summary>
    public int FindFirstBlock(long timestamp)
    {
        int lo = 0;
        int hi = _prefixMaxLast.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_prefixMaxLast[mid] >= timestamp)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }

    /// <summary>
    /// Reads and verifies block <paramref name="index"/> into <paramref name="buffer"/> (grown if
    /// needed). Returns false (and records the damage once) if the block fails its checks.
    /// </summary>
    public bool TryReadBlock(int index, ref Tick[] buffer, out int count)
    {
        count = 0;
        var info = _blocks[index];
        if (!TryReadVerified(index, out ushort flags))
        {
            return false;
        }

        int total = TickLogFormat.BlockHeaderSize + info.PayloadLength;
        if (flags != 0)
        {
            Report(index, TickLogDamageKind.MalformedPayload, info.Offset, total, $"unsupported block flags 0x{flags:x}");
            return false;
        }

        if (buffer.Length < info.TickCount)
        {
            buffer = new Tick[Math.Max(info.TickCount, buffer.Length * 2)];
        }

        try
        {
            TickCodec.DecodeBlock(_io.AsMemory(TickLogFormat.BlockHeaderSize, info.PayloadLength), info.MinTimestamp, buffer.AsSpan(0, info.TickCount), Symbols.Count);
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or InvalidDataException or EndOfStreamException or InvalidOperationException)
        {
            Report(index, TickLogDamageKind.MalformedPayload, info.Offset, total, ex.Message);
            return false;
        }

        count = info.TickCount;
        return true;
    }

    /// <summary>Reads block <paramref name="index"/> into <c>_io</c> and checks its header and payload CRC.</summary>
    private bool TryReadVerified(int index, out ushort flags)
    {
        flags = 0;
        var info = _blocks[index];
        if (_blockDamage[index] is not null)
        {
            return false;
        }

        int total = TickLogFormat.BlockHeaderSize + info.PayloadLength;
        if (_io.Length < total)
        {
            _io = new byte[Math.Max(total, _io.Length * 2)];
        }

        var bytes = _io.AsSpan(0, total);
        int read = RandomAccess.Read(_handle, bytes, info.Offset);
        if (read < total)
        {
            Report(index, TickLogDamageKind.TruncatedBlock, info.Offset, FileLength - info.Offset, "block extends past the end of the file");
            return false;
        }

        if (!TickLogFormat.TryParseBlockHeader(bytes, info.Offset, out var actual, out uint crc, out flags)
            || actual.PayloadLength != info.PayloadLength || actual.TickCount != info.TickCount)
        {
            Report(index, TickLogDamageKind.CorruptRegion, info.Offset, total, "block header does not match the index");
            return false;
        }

        var payload = bytes[TickLogFormat.BlockHeaderSize..];
        if (Crc32.HashToUInt32(payload) != crc)
        {
            Report(index, TickLogDamageKind.ChecksumMismatch, info.Offset, total, $"payload CRC32 mismatch ({info.TickCount} ticks lost)");
            return false;
        }

        return true;
    }

    /// <summary>Reads every intact block, in file order; damaged blocks are skipped and listed in <see cref="Damage"/>.</summary>
    public List<Tick> ReadAllTicks()
    {
        var result = new List<Tick>((int)Math.Min(TickCount, int.MaxValue));
        var buffer = new Tick[4096];
        for (int i = 0; i < _blocks.Length; i++)
        {
            if (TryReadBlock(i, ref buffer, out int count))
            {
                result.AddRange(buffer.AsSpan(0, count));
            }
        }

        return result;
    }

    /// <summary>Reads (and checksums) every block; returns the number of intact blocks. Damage goes to <see cref="Damage"/>.</summary>
    public int Verify()
    {
        var buffer = new Tick[4096];
        int ok = 0;
        for (int i = 0; i < _blocks.Length; i++)
        {
            if (TryReadBlock(i, ref buffer, out _))
            {
                ok++;
            }
        }

        return ok;
    }

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();

    private void Report(int block, TickLogDamageKind kind, long offset, long length, string description)
    {
        if (_blockDamage[block] is not null)
        {
            return;
        }

        var damage = new TickLogDamage(kind, offset, length, $"block {block}: {description}")
        {
            AfterTimestamp = block > 0 ? _prefixMaxLast[block - 1] : 0,
            BeforeTimestamp = block + 1 < _blocks.Length ? _suffixMinFirst[block + 1] : 0,
        };
        _blockDamage[block] = damage;
        _damage.Add(damage);
    }

    private void ReadHeader()
    {
        Span<byte> fixedPart = stackalloc byte[TickLogFormat.FileHeaderFixedSize];
        if (RandomAccess.Read(_handle, fixedPart, 0) < fixedPart.Length || !fixedPart[..8].SequenceEqual(TickLogFormat.FileMagic))
        {
            throw new InvalidDataException($"{Path}: not a MarketFeed tick log (bad magic or too short)");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(fixedPart[8..]);
        if (version > TickLogFormat.Version)
        {
            throw new InvalidDataException($"{Path}: tick log version {version} is newer than supported ({TickLogFormat.Version})");
        }

        int bodyLength = BinaryPrimitives.ReadInt32LittleEndian(fixedPart[12..]);
        if (bodyLength <= 0 || bodyLength > 16 * 1024 * 1024 || TickLogFormat.FileHeaderFixedSize + bodyLength + 4 > FileLength)
        {
            throw new InvalidDataException($"{Path}: tick log header is truncated or has a bad length");
        }

        byte[] body = new byte[bodyLength + 4];
        RandomAccess.Read(_handle, body, TickLogFormat.FileHeaderFixedSize);
        if (Crc32.HashToUInt32(body.AsSpan(0, bodyLength)) != BinaryPrimitives.ReadUInt32LittleEndian(body.AsSpan(bodyLength)))
        {
            throw new InvalidDataException($"{Path}: tick log header checksum mismatch");
        }

        try
        {
            (CreatedTimestamp, Source, var symbols) = TickLogFormat.ParseHeaderBody(body.AsMemory(0, bodyLength));
            Symbols = symbols;
        }
        catch (MessagePackSerializationException ex)
        {
            throw new InvalidDataException($"{Path}: tick log header is malformed: {ex.Message}", ex);
        }

        DataOffset = TickLogFormat.FileHeaderFixedSize + bodyLength + 4;
    }

    private bool TryLoadFooterIndex()
    {
        if (FileLength < DataOffset + 8 + TickLogFormat.TrailerSize)
        {
            return false;
        }

        Span<byte> trailer = stackalloc byte[TickLogFormat.TrailerSize];
        RandomAccess.Read(_handle, trailer, FileLength - TickLogFormat.TrailerSize);
        if (BinaryPrimitives.ReadUInt32LittleEndian(trailer[12..]) != TickLogFormat.TrailerMagic)
        {
            return false;
        }

        long indexOffset = BinaryPrimitives.ReadInt64LittleEndian(trailer);
        long size = FileLength - TickLogFormat.TrailerSize - indexOffset;
        if (indexOffset < DataOffset || size < 8 || (size - 8) % TickLogFormat.IndexEntrySize != 0 || size > int.MaxValue)
        {
            return false;
        }

        byte[] index = new byte[size];
        RandomAccess.Read(_handle, index, indexOffset);
        var span = index.AsSpan();
        if (Crc32.HashToUInt32(span) != BinaryPrimitives.ReadUInt32LittleEndian(trailer[8..])
            || BinaryPrimitives.ReadUInt32LittleEndian(span) != TickLogFormat.IndexMagic)
        {
            return false;
        }

        int count = BinaryPrimitives.ReadInt32LittleEndian(span[4..]);
        if (count != (size - 8) / TickLogFormat.IndexEntrySize)
        {
            return false;
        }

        var blocks = new TickLogBlockInfo[count];
        long expected = DataOffset;
        for (int i = 0; i < count; i++)
        {
            var e = span[(8 + (i * TickLogFormat.IndexEntrySize))..];
            blocks[i] = new TickLogBlockInfo(
                BinaryPrimitives.ReadInt64LittleEndian(e),
                BinaryPrimitives.ReadInt32LittleEndian(e[28..]),
                BinaryPrimitives.ReadInt32LittleEndian(e[24..]),
                BinaryPrimitives.ReadInt64LittleEndian(e[8..]),
                BinaryPrimitives.ReadInt64LittleEndian(e[16..]));
            if (blocks[i].Offset != expected || blocks[i].PayloadLength < 0)
            {
                return false;
            }

            expected = blocks[i].End;
        }

        if (expected != indexOffset)
        {
            return false;
        }

        _blocks = blocks;
        HasFooterIndex = true;
        return true;
    }

    private void ScanBlocks()
    {
        var blocks = new List<TickLogBlockInfo>();
        Span<byte> h = stackalloc byte[TickLogFormat.BlockHeaderSize];
        long pos = DataOffset;
        while (pos < FileLength)
        {
            int n = RandomAccess.Read(_handle, h, pos);
            if (n == TickLogFormat.BlockHeaderSize && TickLogFormat.TryParseBlockHeader(h, pos, out var info, out _, out _))
            {
                if (info.End > FileLength)
                {
                    _damage.Add(new TickLogDamage(TickLogDamageKind.TruncatedBlock, pos, FileLength - pos, $"torn block at the tail: header announces {info.TickCount} ticks in {info.PayloadLength} bytes, file ends after {FileLength - pos - TickLogFormat.BlockHeaderSize}"));
                    break;
                }

                blocks.Add(info);
                pos = info.End;
                continue;
            }

            if (n >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(h) == TickLogFormat.IndexMagic)
            {
                _damage.Add(new TickLogDamage(TickLogDamageKind.IndexRebuilt, pos, FileLength - pos, "footer index is incomplete or corrupt; block list rebuilt by scanning"));
                break;
            }

            long next = FindNextBlockHeader(pos + 1);
            if (next < 0)
            {
                _damage.Add(new TickLogDamage(n < TickLogFormat.BlockHeaderSize && n > 0 ? TickLogDamageKind.TruncatedBlock : TickLogDamageKind.CorruptRegion, pos, FileLength - pos, "no valid block header from here to the end of the file (torn or garbled tail)"));
                break;
            }

            _damage.Add(new TickLogDamage(TickLogDamageKind.CorruptRegion, pos, next - pos, $"corrupt bytes; resynchronised at the next valid block header at offset {next}"));
            pos = next;
        }

        _blocks = [.. blocks];
    }

    /// <summary>Finds the next offset holding a block header with a valid header CRC, or -1.</summary>
    private long FindNextBlockHeader(long from)
    {
        const int Chunk = 1 << 20;
        byte[] buffer = new byte[Chunk + TickLogFormat.BlockHeaderSize];
        long pos = from;
        while (pos < FileLength)
        {
            int n = RandomAccess.Read(_handle, buffer, pos);
            if (n <= 0)
            {
                break;
            }

            var span = buffer.AsSpan(0, n);
            int start = 0;
            while (true)
            {
                int hit = span[start..].IndexOf(TickLogFormat.BlockMagicBytes);
                if (hit < 0)
                {
                    break;
                }

                int at = start + hit;
                if (at + TickLogFormat.BlockHeaderSize <= n)
                {
                    if (TickLogFormat.TryParseBlockHeader(span.Slice(at, TickLogFormat.BlockHeaderSize), pos + at, out _, out _, out _))
                    {
                        return pos + at;
                    }
                }
                else if (pos + n < FileLength)
                {
                    // Header straddles the chunk end: re-read from here in the next round.
                    break;
                }

                start = at + 1;
            }

            if (pos + n >= FileLength)
            {
                break;
            }

            pos += Math.Max(1, n - TickLogFormat.BlockHeaderSize);
        }

        return -1;
    }

    private void BuildDerived()
    {
        _prefixMaxLast = new long[_blocks.Length];
        _suffixMinFirst = new long[_blocks.Length];
        _blockDamage = new TickLogDamage?[_blocks.Length];
        _gapDamage = new TickLogDamage?[_blocks.Length + 1];

        long max = long.MinValue;
        long min = long.MaxValue;
        long ticks = 0;
        for (int i = 0; i < _blocks.Length; i++)
        {
            max = Math.Max(max, _blocks[i].MaxTimestamp);
            min = Math.Min(min, _blocks[i].MinTimestamp);
            _prefixMaxLast[i] = max;
            ticks += _blocks[i].TickCount;
        }

        long suffix = long.MaxValue;
        for (int i = _blocks.Length - 1; i >= 0; i--)
        {
            suffix = Math.Min(suffix, _blocks[i].MinTimestamp);
            _suffixMinFirst[i] = suffix;
        }

        for (int k = 0; k < _damage.Count; k++)
        {
            var d = _damage[k];
            if (d.Kind == TickLogDamageKind.IndexRebuilt)
            {
                continue; // loses no tick by itself
            }

            int before = 0;
            while (before < _blocks.Length && _blocks[before].Offset <= d.Offset)
            {
                before++;
            }

            // Damage between blocks (found by the scan): place it in time between its neighbours.
            d = d with
            {
                AfterTimestamp = before > 0 ? _prefixMaxLast[before - 1] : 0,
                BeforeTimestamp = before < _blocks.Length ? _suffixMinFirst[before] : 0,
            };
            _damage[k] = d;
            _gapDamage[before] ??= d;
        }

        TickCount = ticks;
        FirstTimestamp = _blocks.Length == 0 ? 0 : min;
        LastTimestamp = _blocks.Length == 0 ? 0 : max;
    }
}
