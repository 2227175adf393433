namespace MarketFeed.LoadTests.Scenarios;

/// <summary>Draws distinct symbols with Zipf popularity by universe rank (rank r has weight 1/r^s).</summary>
public sealed class ZipfPicker
{
    private readonly IReadOnlyList<string> _symbols;
    private readonly double[] _cumulative;

    /// <summary>Creates a picker over symbols in rank order.</summary>
    public ZipfPicker(IReadOnlyList<string> symbols, double exponent)
    {
        _symbols = symbols;
        _cumulative = new double[symbols.Count];
        double total = 0;
        for (int i = 0; i < symbols.Count; i++)
        {
            total += 1.0 / Math.Pow(i + 1, exponent);
            _cumulative[i] = total;
        }

        for (int i = 0; i < _cumulative.Length; i++)
        {
            _cumulative[i] /= total;
        }
    }

    /// <summary>Picks <paramref name="count"/> distinct symbols (all of them if count >= universe size).</summary>
    public IReadOnlyList<string> Pick(int count, Random random)
    {
        if (count >= _symbols.Count)
        {
            return _symbols;
        }

        var chosen = new HashSet<int>();
        // Bounded: rejection sampling gets slow only for count close to the universe size; cap it and fill in rank order.
        for (int attempt = 0; chosen.Count < count && attempt < count * 50; attempt++)
        {
            int index = Array.BinarySearch(_cumulative, random.NextDouble());
            chosen.Add(index < 0 ? Math.Min(~index, _symbols.Count - 1) : index);
        }

        for (int i = 0; chosen.Count < count && i < _symbols.Count; i++)
        {
            chosen.Add(i);
        }

        var result = new List<string>(count);
        foreach (int i in chosen)
        {
            result.Add(_symbols[i]);
        }

        return result;
    }
}
