using System.Buffers;

namespace MarketFeed.Sources.Import;

/// <summary>
/// The text between a CSV file and the Sep reader (<see cref="CsvRows"/>): passes well-formed text
/// through unchanged and keeps the importers' quoting contract (docs/import.md, "Quoting") where Sep
/// alone would not. Sep toggles its quote state at every <c>"</c> of the file, so one stray quote
/// joins every following line into one field; here a record with a quote is checked first.
/// </summary>
/// <remarks>
/// <para>A line without a <c>"</c> is passed on as is, found by one vectorised search per buffer.
/// A record that holds one is scanned by RFC 4180 (a field whose first non-space character is
/// <c>"</c> is quoted and may span lines; <c>""</c> inside is one quote) before it is passed on:</para>
/// <list type="bullet">
/// <item>Well-formed: passed on unchanged, all its lines.</item>
/// <item>A quote inside a field that does not start with one (<c>AB"C</c>) is literal: that field is
/// passed on quoted (<c>"AB""C"</c>), so Sep's unescaping gives back <c>AB"C</c>.</item>
/// <item>Malformed (a quote never closed before the end of the file or within
/// <see cref="MaxRecordChars"/>, or a closing quote followed by text): only the record's first line
/// is bad. It is queued as a bad line (<see cref="TryTakeBadLine"/>) and passed on as an empty line, so
/// Sep's line numbers stay those of the file; scanning goes on at the next line, so the lines the
/// open quote would have swallowed are read as rows of their own.</item>
/// </list>
/// <para>Line breaks are counted as Sep counts them: LF, CRLF or a lone CR. One instance per file
/// read; not thread-safe.</para>
/// </remarks>
internal sealed class CsvQuoteGuard : TextReader
{
    /// <summary>
    /// Longest record, in characters, that a record with a quote may stretch to. It bounds the
    /// look-ahead (and the buffer) when a stray quote opens a field that never closes.
    /// </summary>
    public const int MaxRecordChars = 1 << 20;

    private readonly TextReader _inner;
    private readonly char _delimiter;
    private readonly bool _quotes;
    private readonly SearchValues<char> _fieldEnds;
    private readonly Queue<(long Line, string Reason)> _badLines = new();
    private readonly List<(int Start, int End)> _literalFields = [];
    private char[] _in = new char[1 << 16];
    private int _inStart;
    private int _inEnd;
    private bool _eof;
    private char[] _out = new char[256];
    private char[] _ready;
    private int _readyStart;
    private int _readyEnd;

    /// <summary>1-based number of the line at <see cref="_inStart"/>.</summary>
    private long _line = 1;

    /// <param name="inner">The file's text.</param>
    /// <param name="delimiter">Field delimiter (not <c>"</c>).</param>
    /// <param name="quotes">False: quotes are ordinary characters (Sep's DisableQuotesParsing); the text passes through unchecked.</param>
    public CsvQuoteGuard(TextReader inner, char delimiter, bool quotes)
    {
        _inner = inner;
        _delimiter = delimiter;
        _quotes = quotes;
        _fieldEnds = SearchValues.Create([delimiter, '\n', '\r', '"']);
        _ready = _in;
    }

    /// <summary>Characters read from the file so far.</summary>
    public long CharsRead { get; private set; }

    /// <summary>Takes the first queued bad line if it lies at or before <paramref name="line"/>.</summary>
    public bool TryTakeBadLine(long line, out long badLine, out string reason)
    {
        if (_badLines.TryPeek(out var first) && first.Line <= line)
        {
            _badLines.Dequeue();
            (badLine, reason) = first;
            return true;
        }

        badLine = 0;
        reason = string.Empty;
        return false;
    }

    public override int Read(Span<char> buffer)
    {
        // Fill the buffer: a record checked on its own may be a single line.
        int total = 0;
        while (total < buffer.Length)
        {
            if (_readyStart == _readyEnd && !Produce())
            {
                break;
            }

            int n = Math.Min(buffer.Length - total, _readyEnd - _readyStart);
            _ready.AsSpan(_readyStart, n).CopyTo(buffer[total..]);
            _readyStart += n;
            total += n;
        }

        return total;
    }

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read()
    {
        Span<char> one = stackalloc char[1];
        return Read(one) == 0 ? -1 : one[0];
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private static int CountLineBreaks(ReadOnlySpan<char> text)
    {
        int n = text.Count('\n');
        int r = text.IndexOf('\r');
        while (r >= 0)
        {
            if (r + 1 == text.Length || text[r + 1] != '\n')
            {
                n++;
            }

            int next = text[(r + 1)..].IndexOf('\r');
            r = next < 0 ? -1 : r + 1 + next;
        }

        return n;
    }

    /// <summary>Makes the next text ready; false at the end of the input.</summary>
    private bool Produce()
    {
        while (true)
        {
            var span = _in.AsSpan(_inStart, _inEnd - _inStart);
            if (span.IsEmpty)
            {
                if (!Fill())
                {
                    return false;
                }

                continue;
            }

            if (!_quotes)
            {
                return PassOn(span.Length, false);
            }

            int quote = span.IndexOf('"');
            if (quote < 0)
            {
                // Whole lines only (a line cut here could turn out to hold a quote), all at the end. A
                // CR at the buffer's end may be the first half of a CRLF: it waits for the next read.
                int cut = span.LastIndexOfAny('\n', '\r') + 1;
                if (cut == span.Length && span[^1] == '\r' && !_eof)
                {
                    cut--;
                }

                if (cut == 0 && Fill())
                {
                    continue;
                }

                return PassOn(cut == 0 ? span.Length : cut, true);
            }

            int lineStart = span[..quote].LastIndexOfAny('\n', '\r') + 1;
            if (lineStart > 0)
            {
                return PassOn(lineStart, true);
            }

            CheckRecord();
            return true;
        }
    }

    /// <summary>Readies the next <paramref name="length"/> characters of the input as they are.</summary>
    private bool PassOn(int length, bool countLines)
    {
        _ready = _in;
        _readyStart = _inStart;
        _readyEnd = _inStart + length;
        if (countLines)
        {
            _line += CountLineBreaks(_in.AsSpan(_inStart, length));
        }

        _inStart += length;
        return true;
    }

    /// <summary>Reads more input, first moving the unread part to the buffer's start (or growing it). The ready text must be consumed.</summary>
    private bool Fill()
    {
        if (_eof)
        {
            return false;
        }

        if (_inStart > 0)
        {
            _in.AsSpan(_inStart, _inEnd - _inStart).CopyTo(_in);
            _inEnd -= _inStart;
            _inStart = 0;
        }

        if (_inEnd == _in.Length)
        {
            Array.Resize(ref _in, _in.Length * 2);
        }

        int n = _inner.Read(_in, _inEnd, _in.Length - _inEnd);
        if (n == 0)
        {
            _eof = true;
            return false;
        }

        _inEnd += n;
        CharsRead += n;
        return true;
    }

    /// <summary>Whether the character at <paramref name="offset"/> from <see cref="_inStart"/> is (made) available.</summary>
    private bool Has(int offset)
    {
        while (_inStart + offset >= _inEnd)
        {
            if (!Fill())
            {
                return false;
            }
        }

        return true;
    }

    private char At(int offset) => _in[_inStart + offset];

    /// <summary>Scans the record at <see cref="_inStart"/> (a line start, the line holds a quote) and readies it, rewritten or blanked as needed.</summary>
    private void CheckRecord()
    {
        _literalFields.Clear();
        int p = 0;
        int field = 0;
        string? error = null;
        while (error is null)
        {
            int fieldStart = p;
            while (Has(p) && At(p) == ' ')
            {
                p++;
            }

            if (Has(p) && At(p) == '"')
            {
                int open = p++;
                while (true)
                {
                    int q = _in.AsSpan(_inStart + p, _inEnd - _inStart - p).IndexOf('"');
                    if (q < 0)
                    {
                        p = _inEnd - _inStart;
                        string? where = p >= MaxRecordChars ? $"within {MaxRecordChars} characters" : Fill() ? null : "before the end of the file";
                        if (where is not null)
                        {
                            error = $"unterminated quoted field (field {field + 1}: no closing quote {where})";
                            break;
                        }

                        continue;
                    }

                    p += q + 1;
                    if (Has(p) && At(p) == '"')
                    {
                        p++;
                        continue;
                    }

                    break;
                }

                if (error is not null)
                {
                    break;
                }

                int close = p - 1;
                while (Has(p) && At(p) == ' ')
                {
                    p++;
                }

                if (!Has(p) || At(p) is '\n' or '\r')
                {
                    break;
                }

                if (At(p) == _delimiter)
                {
                    p++;
                    field++;
                    continue;
                }

                error = _in.AsSpan(_inStart + open, close - open).IndexOfAny('\n', '\r') >= 0
                    ? $"unterminated quoted field (field {field + 1}: the next quote, on line {_line + CountLineBreaks(_in.AsSpan(_inStart, close))}, is followed by '{At(p)}', not by a delimiter)"
                    : $"quoted field {field + 1} is followed by '{At(p)}' after its closing quote (a quote inside a quoted field is written \"\")";
                break;
            }

            // Unquoted: a quote in it is literal.
            bool literal = false;
            while (true)
            {
                int k = _in.AsSpan(_inStart + p, _inEnd - _inStart - p).IndexOfAny(_fieldEnds);
                if (k < 0)
                {
                    p = _inEnd - _inStart;
                    if (p >= MaxRecordChars)
                    {
                        error = $"line longer than {MaxRecordChars} characters";
                        break;
                    }

                    if (Fill())
                    {
                        continue;
                    }

                    break;
                }

                p += k;
                if (At(p) != '"')
                {
                    break;
                }

                literal = true;
                p++;
            }

            if (literal)
            {
                _literalFields.Add((fieldStart, p));
            }

            if (error is not null || !Has(p) || At(p) != _delimiter)
            {
                break;
            }

            p++;
            field++;
        }

        if (error is not null)
        {
            BlankFirstLine(error);
            return;
        }

        // The record ends at p: a line break (taken along) or the end of the input.
        int end = !Has(p) ? p : At(p) == '\r' && Has(p + 1) && At(p + 1) == '\n' ? p + 2 : p + 1;
        if (_literalFields.Count == 0)
        {
            PassOn(end, true);
            return;
        }

        _line += CountLineBreaks(_in.AsSpan(_inStart, end));
        var record = _in.AsSpan(_inStart, end);
        // Worst case: every character a quote (doubled), and two quotes around every field.
        if (_out.Length < (4 * end) + 4)
        {
            _out = new char[Math.Max((4 * end) + 4, _out.Length * 2)];
        }

        int w = 0;
        int from = 0;
        foreach (var (start, stop) in _literalFields)
        {
            record[from..start].CopyTo(_out.AsSpan(w));
            w += start - from;
            _out[w++] = '"';
            foreach (char c in record[start..stop])
            {
                _out[w++] = c;
                if (c == '"')
                {
                    _out[w++] = '"';
                }
            }

            _out[w++] = '"';
            from = stop;
        }

        record[from..].CopyTo(_out.AsSpan(w));
        w += end - from;
        _ready = _out;
        _readyStart = 0;
        _readyEnd = w;
        _inStart += end;
    }

    /// <summary>Queues the record's first line as bad and readies only its line break; scanning goes on at the next line.</summary>
    private void BlankFirstLine(string reason)
    {
        _badLines.Enqueue((_line, reason));
        int p = 0;
        while (true)
        {
            int k = _in.AsSpan(_inStart + p, _inEnd - _inStart - p).IndexOfAny('\n', '\r');
            if (k >= 0)
            {
                p += k;
                break;
            }

            p = _inEnd - _inStart;
            if (!Fill())
            {
                // The bad line is the last one, without a line break: nothing to pass on.
                _inStart = _inEnd;
                _readyStart = _readyEnd;
                return;
            }
        }

        int breakLength = At(p) == '\r' && Has(p + 1) && At(p + 1) == '\n' ? 2 : 1;
        _inStart += p;
        PassOn(breakLength, true);
    }
}
