namespace MarketFeed.Sources.Import;

/// <summary>
/// Column names of a CSV header row, looked up case-insensitively. Names may be quoted (RFC 4180:
/// the delimiter is literal inside quotes, "" is one quote), but may not span lines.
/// </summary>
internal sealed class CsvHeader
{
    private readonly string[] _names;

    /// <summary>Reads the names of <paramref name="line"/>, line 1 of <paramref name="file"/>.</summary>
    /// <exception cref="ImportException">A quoted name is malformed.</exception>
    public CsvHeader(ReadOnlySpan<char> line, char delimiter, string file)
    {
        var fields = new Range[line.Count(delimiter) + 1];
        int count;
        if (line.Contains('"'))
        {
            string? error = new CsvQuotedSplitter().Split(line, delimiter, fields, null, out line, out count);
            if (error is not null)
            {
                throw new ImportException($"{file}:1: header: {error}");
            }
        }
        else
        {
            count = line.Split(fields, delimiter);
        }

        _names = new string[count];
        for (int i = 0; i < count; i++)
        {
            _names[i] = line[fields[i]].Trim().ToString();
        }
    }

    public int Count => _names.Length;

    public IReadOnlyList<string> Names => _names;

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
}
