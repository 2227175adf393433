namespace MarketFeed.Sources.Import;

/// <summary>
/// Splits a CSV row that contains a double quote, by RFC 4180: a field whose first non-blank
/// character is '"' is quoted; inside it the delimiter and line breaks are literal and "" is one
/// quote. A quote in a field that does not start with one is a literal character (lenient).
/// </summary>
/// <remarks>
/// Rows without a quote never come here: the importer splits them in place. Here the decoded
/// field text is written back to back into a buffer reused from row to row, and the field ranges
/// index that buffer, so a quoted row costs a copy but no allocation. One instance per file read;
/// not thread-safe.
/// </remarks>
internal sealed class CsvQuotedSplitter
{
    /// <summary>
    /// Longest record, in characters, that a quoted field may stretch to over line breaks. It bounds
    /// the look-ahead (and the buffer) when a stray quote opens a field that never closes.
    /// </summary>
    public const int MaxRecordChars = 1 << 20;

    private char[] _text = new char[256];

    /// <summary>
    /// Splits <paramref name="line"/>. When a quoted field is still open at the line's end and a
    /// <paramref name="reader"/> is given, the record goes on over the next lines.
    /// </summary>
    /// <param name="line">The row; with a reader, the line it last returned.</param>
    /// <param name="delimiter">Field delimiter.</param>
    /// <param name="fields">Receives the ranges of the first fields within <paramref name="row"/>.</param>
    /// <param name="reader">The reader <paramref name="line"/> came from, or null if a field may not span lines.</param>
    /// <param name="row">The decoded field text the ranges index; valid until the next call.</param>
    /// <param name="count">Fields in the row (ranges are written for at most <c>fields.Length</c> of them).</param>
    /// <returns>
    /// Null, or why the row is malformed. A malformed row that spanned lines is given back to the
    /// reader but for its first line, so the lines after it are read as rows of their own: one bad
    /// quote costs one row, never the rows it would have swallowed.
    /// </returns>
    public string? Split(scoped ReadOnlySpan<char> line, char delimiter, scoped Span<Range> fields, CsvLineReader? reader, out ReadOnlySpan<char> row, out int count)
    {
        var record = line;
        Reserve(record.Length, 0);
        int read = 0;
        int written = 0;
        int field = 0;
        int spanningField = -1;
        row = default;
        count = 0;
        while (true)
        {
            int start = written;
            int p = SkipBlanks(record, read, delimiter);
            if (p < record.Length && record[p] == '"')
            {
                p++;
                while (true)
                {
                    int q = record[p..].IndexOf('"');
                    if (q < 0)
                    {
                        // The quoted field runs past the end of the line.
                        written += Copy(record[p..], written);
                        p = record.Length;
                        string? open = reader is null ? "before the end of the line"
                            : record.Length >= MaxRecordChars ? $"within {MaxRecordChars} characters"
                            : null;
                        if (open is null && !reader!.TryExtendLine(out record))
                        {
                            open = "before the end of the file";
                        }

                        if (open is not null)
                        {
                            return Fail(reader, spanningField >= 0, $"unterminated quoted field (field {(spanningField >= 0 ? spanningField : field) + 1}: no closing quote {open})");
                        }

                        spanningField = spanningField >= 0 ? spanningField : field;
                        Reserve(record.Length, written);
                        continue;
                    }

                    written += Copy(record.Slice(p, q), written);
                    p += q + 1;
                    if (p < record.Length && record[p] == '"')
                    {
                        _text[written++] = '"';
                        p++;
                        continue;
                    }

                    break;
                }

                p = SkipBlanks(record, p, delimiter);
                if (p < record.Length && record[p] != delimiter)
                {
                    return spanningField >= 0
                        ? Fail(reader, true, $"unterminated quoted field (field {spanningField + 1}: the next quote, on line {reader!.LineNumber}, is followed by '{record[p]}', not by a delimiter)")
                        : Fail(reader, false, $"quoted field {field + 1} is followed by '{record[p]}' after its closing quote (a quote inside a quoted field is written \"\")");
                }
            }
            else
            {
                int d = record[read..].IndexOf(delimiter);
                p = d < 0 ? record.Length : read + d;
                written += Copy(record[read..p], written);
            }

            if (field < fields.Length)
            {
                fields[field] = start..written;
            }

            field++;
            if (p >= record.Length)
            {
                row = _text.AsSpan(0, written);
                count = field;
                return null;
            }

            read = p + 1;
        }
    }

    private static int SkipBlanks(ReadOnlySpan<char> record, int i, char delimiter)
    {
        while (i < record.Length && record[i] != delimiter && char.IsWhiteSpace(record[i]))
        {
            i++;
        }

        return i;
    }

    private static string Fail(CsvLineReader? reader, bool spannedLines, string reason)
    {
        if (spannedLines)
        {
            reader!.UndoExtend();
        }

        return reason;
    }

    private int Copy(ReadOnlySpan<char> text, int at)
    {
        text.CopyTo(_text.AsSpan(at));
        return text.Length;
    }

    /// <summary>Decoded text is never longer than the record, so a buffer of the record's length suffices.</summary>
    private void Reserve(int length, int keep)
    {
        if (_text.Length < length)
        {
            var bigger = new char[Math.Max(length, _text.Length * 2)];
            _text.AsSpan(0, keep).CopyTo(bigger);
            _text = bigger;
        }
    }
}
