using MarketFeed.Core;

namespace MarketFeed.Testing;

/// <summary>Small symbol universes for tests.</summary>
public static class TestUniverse
{
    /// <summary>A universe of <paramref name="count"/> symbols S0..S{n-1}, 2 price decimals, tick 1, lot 1.</summary>
    public static SymbolUniverse Create(int count)
    {
        var list = new List<SymbolInfo>(count);
        for (int i = 0; i < count; i++)
        {
            list.Add(new SymbolInfo("S" + i, i, "Symbol " + i, "USD", 2, 0, 1, 1, 10_000 + (i * 100)));
        }

        return new SymbolUniverse(list);
    }

    /// <summary>The default universe shipped in config/symbols.csv.</summary>
    public static SymbolUniverse Default()
    {
        string path = Path.Combine(TestPaths.Config, "symbols.csv");
        using var reader = new StreamReader(path);
        return SymbolUniverse.Parse(reader, path);
    }
}
