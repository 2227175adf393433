using MarketFeed.Sources.TickLog;

namespace MarketFeed.Sources.Import;

/// <summary>Symbols met during an import, with dense ids (the output log's symbol ids) and scales.</summary>
public sealed class ImportSymbolTable
{
    private readonly List<TickLogSymbol> _symbols = [];
    private readonly Dictionary<string, int> _ids = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private string _lastName = string.Empty;
    private int _lastId = -1;

    /// <summary>Creates an empty table.</summary>
    public ImportSymbolTable() => _lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Symbols in id order.</summary>
    public IReadOnlyList<TickLogSymbol> Symbols => _symbols;

    /// <summary>Adds a symbol (or returns the id of an existing one with the same name).</summary>
    public int GetOrAdd(string name, int priceDecimals, int sizeDecimals)
    {
        string key = name.Trim().ToUpperInvariant();
        if (_ids.TryGetValue(key, out int id))
        {
            return id;
        }

        id = _symbols.Count;
        _symbols.Add(new TickLogSymbol(key, priceDecimals, sizeDecimals));
        _ids.Add(key, id);
        return id;
    }

    /// <summary>Looks a symbol up by a span (no allocation); caches the last hit.</summary>
    public bool TryGetId(ReadOnlySpan<char> name, out int id)
    {
        if (_lastId >= 0 && name.Equals(_lastName, StringComparison.OrdinalIgnoreCase))
        {
            id = _lastId;
            return true;
        }

        if (_lookup.TryGetValue(name, out id))
        {
            _lastId = id;
            _lastName = _symbols[id].Name;
            return true;
        }

        return false;
    }
}
