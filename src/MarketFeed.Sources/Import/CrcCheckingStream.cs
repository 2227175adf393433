using System.IO.Hashing;

namespace MarketFeed.Sources.Import;

/// <summary>
/// Reads a zip entry and, at its end, checks the bytes read against the CRC-32 and length the
/// archive recorded for it: a flipped bit in the compressed data that still inflates is caught
/// here instead of becoming rows. Throws <see cref="InvalidDataException"/> on a mismatch.
/// </summary>
/// <remarks>Read-only, forward-only; one reader thread.</remarks>
internal sealed class CrcCheckingStream : Stream
{
    private readonly Stream _inner;
    private readonly uint _expectedCrc;
    private readonly long _expectedLength;
    private readonly Crc32 _crc = new();
    private long _read;
    private bool _checked;

    public CrcCheckingStream(Stream inner, uint expectedCrc, long expectedLength)
    {
        _inner = inner;
        _expectedCrc = expectedCrc;
        _expectedLength = expectedLength;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _expectedLength;

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = _inner.Read(buffer);
        if (n > 0)
        {
            _crc.Append(buffer[..n]);
            _read += n;
            if (_read > _expectedLength)
            {
                throw new InvalidDataException($"zip entry holds more than the {_expectedLength:N0} bytes its header records (damaged archive)");
            }
        }
        else if (buffer.Length > 0)
        {
            Check();
        }

        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Check()
    {
        if (_checked)
        {
            return;
        }

        _checked = true;
        if (_read != _expectedLength)
        {
            throw new InvalidDataException($"zip entry ends after {_read:N0} of the {_expectedLength:N0} bytes its header records (truncated or damaged archive)");
        }

        uint crc = _crc.GetCurrentHashAsUInt32();
        if (crc != _expectedCrc)
        {
            throw new InvalidDataException($"zip entry CRC-32 is {crc:x8}, the archive records {_expectedCrc:x8}: the archive is damaged");
        }
    }
}
