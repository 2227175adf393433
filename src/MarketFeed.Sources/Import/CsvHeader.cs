namespace MarketFeed.Sources.Import;

/// <summary>Column names of a CSV header row, looked up case-insensitively.</summary>
internal sealed class CsvHeader
{
    private readonly string[] _names;

    public CsvHeader(ReadOnlySpan<char> line, char delimiter)
    {
        var list = new List<string>();
        foreach (var range in line.Split(delimiter))
        {
            list.Add(Unquote(line[range].Trim()).ToString());
        }

        _names = [.. list];
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

    public static ReadOnlySpan<char> Unquote(ReadOnlySpan<char> field) =>
        field.Length >= 2 && field[0] == '"' && field[^1] == '"' ? field[1..^1] : field;
}
