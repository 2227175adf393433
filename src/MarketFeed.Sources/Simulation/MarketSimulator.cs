using MarketFeed.Core;

namespace MarketFeed.Sources.Simulation;

/// <summary>
/// Deterministic synthetic market: per symbol a mid price following geometric Brownian motion,
/// rounded to the tick size, a spread of 1..N ticks, sizes in lots, trades that lift the ask or
/// hit the bid; symbols chosen with Zipf popularity by universe rank (a few hot symbols, a long
/// quiet tail). The same seed and the same sequence of timestamps give the same ticks.
/// </summary>
/// <remarks>Not thread-safe: one generating thread. <see cref="Next"/> does not allocate.</remarks>
public sealed class MarketSimulator
{
    private const double SecondsPerYear = 252 * 6.5 * 3600;
    private readonly SymbolUniverse _universe;
    private readonly SimulatorOptions _options;
    private readonly double[] _cumulativeWeight;
    private readonly double[] _mid;
    private readonly long[] _lastTimestamp;
    private readonly long[] _bid;
    private readonly long[] _ask;
    private SplitMix64 _random;

    /// <summary>Creates a simulator over a universe.</summary>
    public MarketSimulator(SymbolUniverse universe, SimulatorOptions options)
    {
        options.Validate();
        if (universe.Count == 0)
        {
            throw new ArgumentException("the universe is empty", nameof(universe));
        }

        _universe = universe;
        _options = options;
        _random = new SplitMix64(options.Seed);
        int n = universe.Count;
        _cumulativeWeight = new double[n];
        _mid = new double[n];
        _lastTimestamp = new long[n];
        _bid = new long[n];
        _ask = new long[n];
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            total += 1.0 / Math.Pow(i + 1, options.ZipfExponent);
            _cumulativeWeight[i] = total;
            SymbolInfo s = universe[i];
            long reference = s.ReferencePrice > 0 ? s.ReferencePrice : 100 * FixedPoint.Scale(s.PriceDecimals);
            _mid[i] = reference;
        }

        for (int i = 0; i < n; i++)
        {
            _cumulativeWeight[i] /= total;
        }
    }

    /// <summary>The universe the simulator draws from.</summary>
    public SymbolUniverse Universe => _universe;

    /// <summary>Writes the next raw (unsequenced) tick, stamped with <paramref name="timestamp"/> (ns since the epoch).</summary>
    public void Next(ref Tick tick, long timestamp)
    {
        int id = PickSymbol(_random.NextDouble());
        SymbolInfo symbol = _universe[id];
        Step(id, symbol, timestamp);

        tick = default;
        tick.SymbolId = id;
        tick.Timestamp = timestamp;
        long lot = symbol.LotSize * (symbol.SizeDecimals == 0 ? 100 : 1);
        if (_random.NextDouble() < _options.TradeRatio)
        {
            tick.Kind = TickKind.Trade;
            bool buy = (_random.NextUInt64() & 1) == 0;
            tick.Side = buy ? TradeSide.Buy : TradeSide.Sell;
            tick.Price = buy ? _ask[id] : _bid[id];
            tick.Size = lot * (1 + _random.NextInt(Math.Max(1, _options.MaxLots / 5)));
        }
        else
        {
            tick.Kind = TickKind.Quote;
            tick.BidPrice = _bid[id];
            tick.AskPrice = _ask[id];
            tick.BidSize = lot * (1 + _random.NextInt(_options.MaxLots));
            tick.AskSize = lot * (1 + _random.NextInt(_options.MaxLots));
        }
    }

    private int PickSymbol(double u)
    {
        int lo = 0;
        int hi = _cumulativeWeight.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_cumulativeWeight[mid] < u)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private void Step(int id, SymbolInfo symbol, long timestamp)
    {
        long last = _lastTimestamp[id];
        _lastTimestamp[id] = timestamp;

        // GBM over the elapsed time (at least 1 ms so a burst still moves), capped at a minute.
        double dt = last == 0 ? 0.001 : Math.Clamp((timestamp - last) / 1e9, 0.001, 60);
        double sigma = _options.Volatility * Math.Sqrt(dt / SecondsPerYear);
        double mid = _mid[id] * Math.Exp((sigma * _random.NextGaussian()) - (0.5 * sigma * sigma));
        double floor = symbol.TickSize * 2.0;
        _mid[id] = Math.Max(mid, floor);

        long tickSize = symbol.TickSize;
        int spreadTicks = 1 + _random.NextInt(_options.MaxSpreadTicks);
        long bid = (long)Math.Round((_mid[id] - (spreadTicks * tickSize / 2.0)) / tickSize) * tickSize;
        bid = Math.Max(bid, tickSize);
        _bid[id] = bid;
        _ask[id] = bid + (spreadTicks * tickSize);
    }
}
