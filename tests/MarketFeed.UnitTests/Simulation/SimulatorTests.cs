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
        var sim = new MarketSimulator(universe, new SimulatorOptions { Seed = 3 });
        var counts = new int[universe.Count];
        Tick tick = default;
        for (int i = 0; i < 200_000; i++)
        {
            sim.Next(ref tick, i);
            counts[tick.SymbolId]++;
        }

        Assert.True(counts[0] > 10 * counts[100], $"rank 1 {counts[0]} vs rank 101 {counts[100]}");
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
