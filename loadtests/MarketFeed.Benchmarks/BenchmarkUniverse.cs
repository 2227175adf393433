using MarketFeed.Core;

namespace MarketFeed.Benchmarks;

/// <summary>Shared inputs for benchmarks.</summary>
internal static class BenchmarkUniverse
{
    public static SymbolUniverse Create(int count)
    {
        var list = new List<SymbolInfo>(count);
        for (int i = 0; i < count; i++)
        {
            list.Add(new SymbolInfo("S" + i, i, "Symbol " + i, "USD", 4, 0, 100, 1, 1_000_000));
        }

        return new SymbolUniverse(list);
    }

    /// <summary>Pre-generated raw ticks cycling over the symbols, 3 quotes to 1 trade.</summary>
    public static Tick[] Ticks(int symbols, int count)
    {
        var ticks = new Tick[count];
        var random = new Random(1);
        for (int i = 0; i < count; i++)
        {
            int id = i % symbols;
            ticks[i] = i % 4 == 3
                ? Tick.NewTrade(id, 1_700_000_000_000_000_000 + i, 1_000_000 + random.Next(100) * 100, 100, TradeSide.Buy)
                : Tick.NewQuote(id, 1_700_000_000_000_000_000 + i, 999_900, 100 * random.Next(1, 50), 1_000_100, 100 * random.Next(1, 50));
        }

        return ticks;
    }
}
