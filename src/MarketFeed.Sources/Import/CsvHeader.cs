namespace MarketFeed.Sources.Import;

/// <summary>
/// Column names of a CSV header row, looked up case-insensitively. Names may be quoted (RFC 4180:
/// the delimiter is literal inside quotes, "" is one quote), but may not span lines.
/// </summary>
internal sealed class CsvHeader
{
    private readonly string[] _names;

    private CsvHeader(string[] names) => _names = names;

    public int Count => _names.Length;

    public IReadOnlyList<string> Names => _names;

    /// <summary>Reads the header from the first row of <paramref name="rows"/>; null if the file is empty.</summary>
    /// <exception cref="ImportException">A quoted name is malformed or spans lines.</exception>
    public static CsvHeader? Read(CsvRows rows, string file)
    {
        if (!rows.Reader.MoveNext())
        {
            return rows.TryTakeBadLine(1, out _, out string emptyReason) ? throw HeaderError(file, emptyReason) : null;
        }

        var row = rows.Reader.Current;
        if (rows.TryTakeBadLine(1, out _, out string reason))
        {
            throw HeaderError(file, reason);
        }

        if (CsvRows.SpansLines(row))
        {
            throw HeaderError(file, "a quoted name spans lines (header names may not)");
        }

        var names = new string[row.ColCount];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = row[i].Span.Trim().ToString();
        }

        return new CsvHeader(names);
    }

    public int IndexOf(string name)
    {
        for (int i = 0; i < _names.Length; i++)
        {
            if (string.Equals(_names[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    public int Require(string name, string file)
    {
        int i = IndexOf(name);
        return i >= 0 ? i : throw new ImportException($"{file}:1: header has no '{name}' column (columns: {string.Join(',', _names)})");
    }

    private static ImportException HeaderError(string file, string reason) => new($"{file}:1: header: {reason}");
}
