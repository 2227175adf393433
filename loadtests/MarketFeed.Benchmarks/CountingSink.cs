using MarketFeed.Core;
using MarketFeed.Engine;

namespace MarketFeed.Benchmarks;

/// <summary>A drain target that only counts what it is given (benchmarks measure the engine, not a socket).</summary>
internal struct CountingSink : IUpdateSink
{
    public long Count;

    public readonly bool HasRoom => true;

    public void OnSnapshot(in MarketSnapshot snapshot) => Count++;

    public void OnTick(in Tick tick) => Count++;
}
