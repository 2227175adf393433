namespace MarketFeed.Sources.Simulation;

/// <summary>Settings of the built-in market simulator (section "Simulator" of appsettings).</summary>
public sealed class SimulatorOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Simulator";

    /// <summary>Random seed; the same seed gives the same ticks.</summary>
    public ulong Seed { get; set; } = 42;

    /// <summary>Total ticks per second over all symbols; 0 = as fast as possible.</summary>
    public double TicksPerSecond { get; set; } = 2000;

    /// <summary>Share of ticks that are trades (the rest are quotes), 0..1.</summary>
    public double TradeRatio { get; set; } = 0.25;

    /// <summary>Zipf exponent of symbol popularity (rank r gets weight 1/r^s). 0 = uniform.</summary>
    public double ZipfExponent { get; set; } = 1.1;

    /// <summary>Annualised volatility of the mid price random walk (geometric Brownian motion).</summary>
    public double Volatility { get; set; } = 0.4;

    /// <summary>Largest quote size in lots (sizes are uniform in 1..MaxLots, times 100 for share lots).</summary>
    public int MaxLots { get; set; } = 50;

    /// <summary>Widest spread in ticks (spreads are 1..MaxSpreadTicks).</summary>
    public int MaxSpreadTicks { get; set; } = 3;

    /// <summary>Throws if a setting is out of range.</summary>
    public void Validate()
    {
        if (TicksPerSecond < 0 || double.IsNaN(TicksPerSecond))
        {
            throw new ArgumentOutOfRangeException(nameof(TicksPerSecond), TicksPerSecond, "must be >= 0 (0 = max)");
        }

        if (TradeRatio is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(TradeRatio), TradeRatio, "must be in 0..1");
        }

        if (ZipfExponent is < 0 or > 5)
        {
            throw new ArgumentOutOfRangeException(nameof(ZipfExponent), ZipfExponent, "must be in 0..5");
        }

        if (Volatility is < 0 or > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(Volatility), Volatility, "must be in 0..10");
        }

        if (MaxLots < 1 || MaxSpreadTicks < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxLots), "MaxLots and MaxSpreadTicks must be >= 1");
        }
    }
}
