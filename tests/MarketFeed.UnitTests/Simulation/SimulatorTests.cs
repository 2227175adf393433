using MarketFeed.Core;
using MarketFeed.Sources.Simulation;
using MarketFeed.Testing;

namespace MarketFeed.UnitTests.Simulation;

public sealed class SimulatorTests
{
    [Fact]
    public void SameSeed_SameTicks()
    {
        Assert.Equal(Generate(42, 20_000), Generate(42, 20_000));
    }

    [Fact]
    public void DifferentSeed_DifferentTicks()
    {
        Assert.NotEqual(Generate(42, 1000), Generate(43, 1000));
    }

    [Fact]
    public void Ticks_AreValidMarketData()
    {
        var universe = TestUniverse.Default();
        var sim = new MarketSimulator(universe, new SimulatorOptions { Seed = 1 });
        Tick tick = default;
        var bid = new long[universe.Count];
        var ask = new long[universe.Count];
        int trades = 0;
        for (int i = 0; i < 50_000; i++)
        {
            sim.Next(ref tick, 1_000_000L * i);
            SymbolInfo s = universe[tick.SymbolId];
            if (tick.Kind == TickKind.Quote)
            {
                Assert.True(tick.BidPrice < tick.AskPrice, "crossed quote");
                Assert.Equal(0, tick.BidPrice % s.TickSize);
                Assert.Equal(0, tick.AskPrice % s.TickSize);
                Assert.True(tick.BidSize > 0 && tick.BidSize % s.LotSize == 0);
                bid[tick.SymbolId] = tick.BidPrice;
                ask[tick.SymbolId] = tick.AskPrice;
            }
            else
            {
                trades++;
                Assert.True(tick.Size > 0);
                Assert.Equal(0, tick.Price % s.TickSize);
                Assert.True(tick.Price > 0);
                Assert.True(tick.Side is TradeSide.Buy or TradeSide.Sell);
            }
        }

        Assert.InRange(trades, 10_000, 15_000); // TradeRatio 0.25 by default
    }

    [Fact]
    public void Popularity_IsZipfLike_HotHeadLongTail()
    {
        var universe = TestUniverse.Default();
        var options = new SimulatorOptions { Seed = 3 };
        var sim = new MarketSimulator(universe, options);
        var counts = new int[universe.Count];
        Tick tick = default;
        const int samples = 400_000;
        for (int i = 0; i < samples; i++)
        {
            sim.Next(ref tick, i);
            counts[tick.SymbolId]++;
        }

        // Zipf with exponent s: rank r is drawn with probability r^-s / H(N, s). Check the shape
        // at ranks spread over the universe, not just "the head beats the tail": a uniform, a
        // geometric or a wrong-exponent draw each miss several of these by far more than the
        // sampling noise (at 400k draws, about 3% at rank 64).
        double s = options.ZipfExponent;
        double h = 0;
        for (int r = 1; r <= universe.Count; r++)
        {
            h += Math.Pow(r, -s);
        }

        foreach (int rank in new[] { 1, 2, 3, 5, 8, 16, 32, 64 })
        {
            if (rank > universe.Count)
            {
                continue;
            }

            double expected = samples * Math.Pow(rank, -s) / h;
            Assert.InRange(counts[rank - 1], expected * 0.85, expected * 1.15);
        }

        // Monotone on average over the head: each block of 8 ranks up to rank 64 is drawn less than
        // the one before it (further down, neighbouring blocks differ by less than the noise).
        for (int block = 8; block + 8 <= Math.Min(64, universe.Count); block += 8)
        {
            Assert.True(counts.Skip(block).Take(8).Sum() < counts.Skip(block - 8).Take(8).Sum(), $"ranks {block + 1}..{block + 8} drawn more than the 8 before");
        }

        Assert.True(counts[^1] > 0, "the tail still ticks");
    }

    private static List<Tick> Generate(ulong seed, int count)
    {
        var sim = new MarketSimulator(TestUniverse.Default(), new SimulatorOptions { Seed = seed });
        var list = new List<Tick>(count);
        Tick tick = default;
        for (int i = 0; i < count; i++)
        {
            sim.Next(ref tick, 1_000_000L * i);
            list.Add(tick);
        }

        return list;
    }
}
