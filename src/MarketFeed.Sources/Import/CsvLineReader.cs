namespace MarketFeed.Sources.Import;

/// <summary>
/// Reads lines from a <see cref="TextReader"/> as spans over an internal buffer: no string per
/// line. A returned line is valid until the next call.
/// </summary>
internal sealed class CsvLineReader
{
    private readonly TextReader _reader;
    private char[] _buffer = new char[1 << 16];
    private int _start;
    private int _end;
    private bool _eof;

    public CsvLineReader(TextReader reader) => _reader = reader;

    /// <summary>1-based number of the last line returned.</summary>
    public long LineNumber { get; private set; }

    /// <summary>Characters consumed so far.</summary>
    public long CharsRead { get; private set; }

    public bool TryReadLine(out ReadOnlySpan<char> line)
    {
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            int nl = span.IndexOf('\n');
            if (nl >= 0)
            {
                line = TrimCr(span[..nl]);
                _start += nl + 1;
                LineNumber++;
                return true;
            }

            if (_eof)
            {
                if (span.Length > 0)
                {
                    line = TrimCr(span);
                    _start = _end;
                    LineNumber++;
                    return true;
                }

                line = default;
                return false;
            }

            if (_start > 0)
            {
                span.CopyTo(_buffer);
                _end = span.Length;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            int n = _reader.Read(_buffer, _end, _buffer.Length - _end);
            if (n == 0)
            {
                _eof = true;
            }
            else
            {
                _end += n;
                CharsRead += n;
            }
        }
    }

    private static ReadOnlySpan<char> TrimCr(ReadOnlySpan<char> line) =>
        line.Length > 0 && line[^1] == '\r' ? line[..^1] : line;
}
