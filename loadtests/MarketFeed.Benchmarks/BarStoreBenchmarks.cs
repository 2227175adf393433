using BenchmarkDotNet.Attributes;
using MarketFeed.Core;
using MarketFeed.Core.Bars;
using MarketFeed.Gateway.Bars;

namespace MarketFeed.Benchmarks;

/// <summary>
/// The live bar store's cost on the sequencer thread: one tick applied to a symbol's 1 s, 1 m and
/// 5 m series (the default Bars:Intervals), series already at capacity (steady state: bars roll and
/// the oldest are overwritten). 100 symbols, ticks 1 ms apart, 3 quotes to 1 trade.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class BarStoreBenchmarks
{
    private const int Symbols = 100;
    private const int TicksPerOp = 10_000;
    private LiveBarStore _store = null!;
    private Tick[] _ticks = [];
    private long _clock;

    [GlobalSetup]
    public void Setup()
    {
        _store = new LiveBarStore(Symbols, [(BarInterval.Parse("1s"), 900), (BarInterval.Parse("1m"), 1440), (BarInterval.Parse("5m"), 288)]);
        _ticks = BenchmarkUniverse.Ticks(Symbols, TicksPerOp);
        for (int i = 0; i < 600; i++)
        {
            Publish(); // 6 M ticks, 100 minutes of feed time: every 1 s series full, the others grown
        }
    }

    [Benchmark(OperationsPerInvoke = TicksPerOp)]
    public void Publish()
    {
        Tick[] ticks = _ticks;
        long clock = _clock;
        for (int i = 0; i < ticks.Length; i++)
        {
            Tick tick = ticks[i];
            tick.Timestamp = clock + (i * UnixTime.NanosPerMillisecond);
            _store.OnTick(tick);
        }

        _clock = clock + (ticks.Length * UnixTime.NanosPerMillisecond);
    }
}
