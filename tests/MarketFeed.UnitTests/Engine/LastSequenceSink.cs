using MarketFeed.Core;
using MarketFeed.Engine;

namespace MarketFeed.UnitTests.Engine;

/// <summary>A drain sink that keeps only the highest sequence it was handed (the wake-up stress tests).</summary>
internal struct LastSequenceSink : IUpdateSink
{
    public long Last;

    public readonly bool HasRoom => true;

    public void OnSnapshot(in MarketSnapshot snapshot) => Last = Math.Max(Last, snapshot.Sequence);

    public void OnTick(in Tick tick) => Last = Math.Max(Last, tick.Sequence);
}
