using System.Runtime.CompilerServices;

namespace MarketFeed.Sources.Import;

/// <summary>
/// Reads lines from a <see cref="TextReader"/> as spans over an internal buffer: no string per
/// line. A returned line is valid until the next call.
/// </summary>
/// <remarks>
/// A line can be extended by the lines after it (<see cref="TryExtendLine"/>) for a quoted field
/// that contains line breaks, and the extension given back (<see cref="UndoExtend"/>) if the
/// record turns out malformed; the buffer keeps everything from the start of the current line.
/// </remarks>
internal sealed class CsvLineReader
{
    private readonly TextReader _reader;
    private char[] _buffer = new char[1 << 16];
    private int _start;
    private int _end;
    private int _lineStart;
    private int _firstLineEnd;
    private long _firstLineNumber;
    private bool _eof;

    public CsvLineReader(TextReader reader) => _reader = reader;

    /// <summary>1-based number of the last line returned.</summary>
    public long LineNumber { get; private set; }

    /// <summary>Characters consumed so far.</summary>
    public long CharsRead { get; private set; }

    public bool TryReadLine(out ReadOnlySpan<char> line)
    {
        _lineStart = _start;
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            int nl = span.IndexOf('\n');
            if (nl >= 0 || _eof)
            {
                return TakeLine(nl, out line);
            }

            Fill();
        }
    }

    /// <summary>
    /// Like <see cref="TryReadLine(out ReadOnlySpan{char})"/>, and tells whether the line holds a
    /// double quote, found in the same scan as the line end.
    /// </summary>
    public bool TryReadLine(out ReadOnlySpan<char> line, out bool hasQuote)
    {
        _lineStart = _start;
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            int nl = span.IndexOfAny('\n', '"');
            hasQuote = nl >= 0 && span[nl] == '"';
            if (hasQuote)
            {
                int rest = span[(nl + 1)..].IndexOf('\n');
                nl = rest < 0 ? -1 : nl + 1 + rest;
            }

            if (nl >= 0 || _eof)
            {
                return TakeLine(nl, out line);
            }

            Fill();
        }
    }

    /// <summary>
    /// Extends the line last returned by the next line: <paramref name="line"/> covers both, with
    /// the line break between them. False at the end of the input.
    /// </summary>
    public bool TryExtendLine(out ReadOnlySpan<char> line)
    {
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            int nl = span.IndexOf('\n');
            if (nl >= 0 || (_eof && span.Length > 0))
            {
                _start = nl >= 0 ? _start + nl + 1 : _end;
                int end = nl >= 0 ? _start - 1 : _start;
                line = TrimCr(_buffer.AsSpan(_lineStart, end - _lineStart));
                LineNumber++;
                return true;
            }

            if (_eof)
            {
                line = default;
                return false;
            }

            Fill();
        }
    }

    /// <summary>Gives back the lines added by <see cref="TryExtendLine"/>: reading goes on after the line last returned by TryReadLine.</summary>
    public void UndoExtend()
    {
        _start = _firstLineEnd;
        LineNumber = _firstLineNumber;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TakeLine(int nl, out ReadOnlySpan<char> line)
    {
        var span = _buffer.AsSpan(_start, _end - _start);
        if (nl >= 0)
        {
            line = TrimCr(span[..nl]);
            _start += nl + 1;
        }
        else if (span.Length > 0)
        {
            line = TrimCr(span);
            _start = _end;
        }
        else
        {
            line = default;
            return false;
        }

        LineNumber++;
        _firstLineEnd = _start;
        _firstLineNumber = LineNumber;
        return true;
    }

    /// <summary>Reads more input, first moving the current line to the buffer's start (or growing the buffer).</summary>
    private void Fill()
    {
        if (_lineStart > 0)
        {
            int shift = _lineStart;
            _buffer.AsSpan(shift, _end - shift).CopyTo(_buffer);
            _end -= shift;
            _start -= shift;
            _firstLineEnd -= shift;
            _lineStart = 0;
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

    private static ReadOnlySpan<char> TrimCr(ReadOnlySpan<char> line) =>
        line.Length > 0 && line[^1] == '\r' ? line[..^1] : line;
}
