using MarketFeed.Core;
using MarketFeed.Engine;

namespace MarketFeed.UnitTests.Engine;

/// <summary>Deterministic tick generation and a shadow model of what the source produced.</summary>
internal sealed class EngineTestKit
{
    private readonly Random _random;

    public EngineTestKit(int symbols, int seed = 7)
    {
        Symbols = symbols;
        _random = new Random(seed);
        Expected = new MarketSnapshot[symbols];
        for (int i = 0; i < symbols; i++)
        {
            Expected[i].SymbolId = i;
        }
    }

    public int Symbols { get; }

    /// <summary>Source state per symbol after every tick published through <see cref="PublishNext"/>.</summary>
    public MarketSnapshot[] Expected { get; }

    /// <summary>Publishes one random quote or trade and updates the shadow model.</summary>
    public Tick PublishNext(ConflationEngine engine, long timestamp)
    {
        int id = _random.Next(Symbols);
        Tick tick = _random.Next(3) == 0
            ? Tick.NewTrade(id, timestamp, 10_000 + _random.Next(100), 1 + _random.Next(500), (TradeSide)(1 + _random.Next(2)))
            : Tick.NewQuote(id, timestamp, 9_990 + _random.Next(10), 1 + _random.Next(900), 10_001 + _random.Next(10), 1 + _random.Next(900));
        engine.Publish(ref tick);
        Expected[id].Apply(tick);
        return tick;
    }

    /// <summary>Asserts the sink's view of a symbol equals the source's latest state (invariant 1).</summary>
    public static void AssertSameState(MarketSnapshot expected, MarketSnapshot actual)
    {
        Assert.Equal(expected.QuoteSequence, actual.QuoteSequence);
        Assert.Equal(expected.BidPrice, actual.BidPrice);
        Assert.Equal(expected.BidSize, actual.BidSize);
        Assert.Equal(expected.AskPrice, actual.AskPrice);
        Assert.Equal(expected.AskSize, actual.AskSize);
        Assert.Equal(expected.TradeSequence, actual.TradeSequence);
        Assert.Equal(expected.LastPrice, actual.LastPrice);
        Assert.Equal(expected.LastSize, actual.LastSize);
        Assert.Equal(expected.CumulativeVolume, actual.CumulativeVolume);
        Assert.Equal(expected.TradeCount, actual.TradeCount);
    }
}
