using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MarketFeed.Core;

namespace MarketFeed.Sources.TickLog;

/// <summary>
/// Appends ticks to a new tick log file (format: docs/tick-log.md). Ticks are buffered in a
/// reusable array and encoded one block at a time, so <see cref="Append(in Tick)"/> does not allocate.
/// </summary>
/// <remarks>
/// Not thread-safe: one thread owns a writer. Data reaches the operating system only when a block
/// is written (block full, <see cref="Flush"/>, or <see cref="Dispose"/>); <see cref="Flush"/>
/// also asks the OS to persist it. A process crash loses at most the ticks appended since the last
/// block write; readers detect the torn tail and read every complete block before it.
/// <see cref="Dispose"/> writes the footer index that makes opening and seeking cheap.
/// </remarks>
public sealed class TickLogWriter : IDisposable
{
    private readonly FileStream _stream;
    private readonly Tick[] _pending;
    private readonly int _symbolCount;
    private readonly ArrayBufferWriter<byte> _payload = new(64 * 1024);
    private readonly List<TickLogBlockInfo> _blocks = [];
    private int _pendingCount;
    private long _length;
    private long _tickCount;
    private bool _disposed;

    private TickLogWriter(string path, FileStream stream, IReadOnlyList<TickLogSymbol> symbols, int blockTicks)
    {
        Path = path;
        _stream = stream;
        Symbols = symbols;
        _symbolCount = symbols.Count;
        _pending = new Tick[blockTicks];
    }

    /// <summary>The file being written.</summary>
    public string Path { get; }

    /// <summary>The symbol table written in the header; tick symbol ids index it.</summary>
    public IReadOnlyList<TickLogSymbol> Symbols { get; }

    /// <summary>Bytes written to the file so far (excluding ticks still buffered).</summary>
    public long Length => _length;

    /// <summary>Ticks appended so far (including ticks still buffered).</summary>
    public long TickCount => _tickCount + _pendingCount;

    /// <summary>Ticks buffered and not yet written as a block.</summary>
    public int PendingCount => _pendingCount;

    /// <summary>Blocks written so far.</summary>
    public int BlockCount => _blocks.Count;

    /// <summary>Creates a new tick log with the given symbol table and writes its header.</summary>
    public static TickLogWriter Create(string path, IReadOnlyList<TickLogSymbol> symbols, TickLogWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        options ??= new TickLogWriterOptions();
        if (options.BlockTicks <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "BlockTicks must be positive");
        }

        foreach (var s in symbols)
        {
            _ = FixedPoint.Scale(s.PriceDecimals);
            _ = FixedPoint.Scale(s.SizeDecimals);
        }

        string? dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        // bufferSize 0: every block goes straight to the OS in one write; the block is our buffer.
        var stream = new FileStream(path, options.Overwrite ? FileMode.Create : FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
        var writer = new TickLogWriter(path, stream, [.. symbols], options.BlockTicks);
        try
        {
            long created = options.CreatedTimestamp != 0 ? options.CreatedTimestamp : UnixTime.NowNanos(TimeProvider.System);
            byte[] header = TickLogFormat.BuildFileHeader(writer.Symbols, created, options.Source);
            stream.Write(header);
            writer._length = header.Length;
        }
        catch
        {
            stream.Dispose();
            throw;
        }

        return writer;
    }

    /// <summary>Buffers one tick; writes a block when the buffer is full. Does not allocate.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(in Tick tick)
    {
        if ((uint)tick.SymbolId >= (uint)_symbolCount)
        {
            ThrowBadSymbol(tick.SymbolId);
        }

        _pending[_pendingCount++] = tick;
        if (_pendingCount == _pending.Length)
        {
            WriteBlock();
        }
    }

    /// <summary>Appends many ticks.</summary>
    public void Append(ReadOnlySpan<Tick> ticks)
    {
        for (int i = 0; i < ticks.Length; i++)
        {
            Append(in ticks[i]);
        }
    }

    /// <summary>
    /// Writes buffered ticks as a (possibly short) block and flushes the file; with
    /// <paramref name="toDisk"/> the OS is asked to persist it (fsync).
    /// </summary>
    public void Flush(bool toDisk = true)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_pendingCount > 0)
        {
            WriteBlock();
        }

        _stream.Flush(toDisk);
    }

    /// <summary>
    /// After a block write failed (an <see cref="IOException"/> from <see cref="Append(in Tick)"/> or <see cref="Flush"/>,
    /// e.g. disk full): cuts off whatever part of the block reached the file and writes the buffered block again. Throws
    /// if it fails again; the writer then stays as it was, for another retry, <see cref="Abandon"/> or <see cref="Dispose"/>.
    /// </summary>
    public void RetryPendingBlock()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _stream.SetLength(_length);
        _stream.Position = _length;
        if (_pendingCount > 0)
        {
            WriteBlock();
        }
    }

    /// <summary>
    /// Closes the file as it is, without writing buffered ticks or the footer (after a write
    /// failed, e.g. disk full): readers then see a log without footer whose complete blocks are
    /// readable. The ticks still buffered (<see cref="PendingCount"/>) are not written.
    /// </summary>
    public void Abandon()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            _stream.Dispose();
        }
        catch (IOException)
        {
            // Nothing buffered in the stream (bufferSize 0): a failing close loses nothing more.
        }
    }

    /// <summary>Writes any buffered ticks, the footer index and closes the file.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            if (_pendingCount > 0)
            {
                WriteBlock();
            }

            WriteFooter();
            _stream.Flush(true);
        }
        finally
        {
            _disposed = true;
            _stream.Dispose();
        }
    }

    private void WriteBlock()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var ticks = _pending.AsSpan(0, _pendingCount);
        _payload.ResetWrittenCount();
        long first = long.MaxValue;
        long last = long.MinValue;
        for (int i = 0; i < ticks.Length; i++)
        {
            first = Math.Min(first, ticks[i].Timestamp);
            last = Math.Max(last, ticks[i].Timestamp);
        }

        // Header and payload share one buffer (header space reserved first, filled in after the
        // payload is known) so the block reaches the OS in one write (docs/tick-log.md).
        const int headerSize = TickLogFormat.BlockHeaderSize;
        _payload.GetSpan(headerSize)[..headerSize].Clear();
        _payload.Advance(headerSize);
        TickCodec.EncodeBlock(_payload, ticks, first);
        Span<byte> block = MemoryMarshal.AsMemory(_payload.WrittenMemory).Span;
        Span<byte> payload = block[headerSize..];
        TickLogFormat.WriteBlockHeader(block[..headerSize], payload.Length, payload.Length, ticks.Length, Crc32.HashToUInt32(payload), first, last);
        _stream.Write(block);
        _blocks.Add(new TickLogBlockInfo(_length, payload.Length, ticks.Length, first, last));
        _length += block.Length;
        _tickCount += ticks.Length;
        _pendingCount = 0;
    }

    private void WriteFooter()
    {
        int size = 8 + (_blocks.Count * TickLogFormat.IndexEntrySize);
        byte[] buffer = new byte[size + TickLogFormat.TrailerSize];
        var span = buffer.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, TickLogFormat.IndexMagic);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], _blocks.Count);
        int pos = 8;
        foreach (var b in _blocks)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[pos..], b.Offset);
            BinaryPrimitives.WriteInt64LittleEndian(span[(pos + 8)..], b.MinTimestamp);
            BinaryPrimitives.WriteInt64LittleEndian(span[(pos + 16)..], b.MaxTimestamp);
            BinaryPrimitives.WriteInt32LittleEndian(span[(pos + 24)..], b.TickCount);
            BinaryPrimitives.WriteInt32LittleEndian(span[(pos + 28)..], b.PayloadLength);
            pos += TickLogFormat.IndexEntrySize;
        }

        BinaryPrimitives.WriteInt64LittleEndian(span[pos..], _length);
        BinaryPrimitives.WriteUInt32LittleEndian(span[(pos + 8)..], Crc32.HashToUInt32(span[..size]));
        BinaryPrimitives.WriteUInt32LittleEndian(span[(pos + 12)..], TickLogFormat.TrailerMagic);
        _stream.Write(buffer);
        _length += buffer.Length;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowBadSymbol(int id) =>
        throw new ArgumentOutOfRangeException(nameof(id), id, $"symbol id outside the log's symbol table (0..{_symbolCount - 1})");
}
