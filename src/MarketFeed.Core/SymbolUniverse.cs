using System.Collections.Frozen;

namespace MarketFeed.Core;

/// <summary>
/// The set of symbols a feed knows, with dense ids 0..Count-1 in load order. Immutable and
/// safe to share between threads.
/// </summary>
public sealed class SymbolUniverse
{
    private readonly SymbolInfo[] _byId;
    private readonly FrozenDictionary<string, int> _byName;

    /// <summary>Builds a universe; ids are reassigned to the list order.</summary>
    public SymbolUniverse(IEnumerable<SymbolInfo> symbols)
    {
        var list = new List<SymbolInfo>();
        var names = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var s in symbols)
        {
            if (string.IsNullOrWhiteSpace(s.Name))
            {
                throw new ArgumentException("symbol name is empty");
            }

            string name = s.Name.Trim().ToUpperInvariant();
            if (!names.TryAdd(name, list.Count))
            {
                throw new ArgumentException($"duplicate symbol '{name}'");
            }

            if (s.TickSize <= 0 || s.LotSize <= 0)
            {
                throw new ArgumentException($"symbol '{name}': tick size and lot size must be positive");
            }

            _ = FixedPoint.Scale(s.PriceDecimals);
            _ = FixedPoint.Scale(s.SizeDecimals);
            list.Add(s with { Name = name, Id = list.Count });
        }

        _byId = [.. list];
        _byName = names.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Number of symbols.</summary>
    public int Count => _byId.Length;

    /// <summary>All symbols in id order.</summary>
    public IReadOnlyList<SymbolInfo> Symbols => _byId;

    /// <summary>The symbol with this id.</summary>
    public SymbolInfo this[int id] => _byId[id];

    /// <summary>Looks up a symbol by name (case-insensitive).</summary>
    public bool TryGet(string name, out SymbolInfo symbol)
    {
        if (_byName.TryGetValue(name, out int id))
        {
            symbol = _byId[id];
            return true;
        }

        symbol = null!;
        return false;
    }

    /// <summary>
    /// Parses a universe CSV with header
    /// <c>symbol,description,currency,priceDecimals,sizeDecimals,tickSize,lotSize,refPrice</c>.
    /// tickSize, lotSize and refPrice are decimal text in the instrument's units (e.g. 0.01, 1, 181.52).
    /// Blank lines and lines starting with '#' are ignored.
    /// </summary>
    public static SymbolUniverse Parse(TextReader reader, string sourceName = "universe")
    {
        var symbols = new List<SymbolInfo>();
        string? line;
        int lineNo = 0;
        bool header = true;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line) || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            if (header)
            {
                header = false;
                if (line.StartsWith("symbol", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
            }

            string[] f = line.Split(',');
            if (f.Length < 8)
            {
                throw new FormatException($"{sourceName}:{lineNo}: expected 8 columns, found {f.Length}");
            }

            try
            {
                int priceDecimals = int.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture);
                int sizeDecimals = int.Parse(f[4], System.Globalization.CultureInfo.InvariantCulture);
                symbols.Add(new SymbolInfo(
                    f[0].Trim(),
                    symbols.Count,
                    f[1].Trim(),
                    f[2].Trim(),
                    priceDecimals,
                    sizeDecimals,
                    FixedPoint.Parse(f[5], priceDecimals),
                    FixedPoint.Parse(f[6], sizeDecimals),
                    FixedPoint.Parse(f[7], priceDecimals)));
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException)
            {
                throw new FormatException($"{sourceName}:{lineNo}: {ex.Message}", ex);
            }
        }

        return new SymbolUniverse(symbols);
    }
}
