using BenchmarkDotNet.Attributes;
using MarketFeed.Core;
using MarketFeed.Engine;

namespace MarketFeed.Benchmarks;

/// <summary>Full mode: publish into the journal and drain a subscriber's cursor (same thread), per tick.</summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class FullModeBenchmarks
{
    private const int TicksPerOp = 10_000;
    private ConflationEngine _engine = null!;
    private Subscriber _subscriber = null!;
    private Tick[] _ticks = [];
    private CountingSink _sink;

    [GlobalSetup]
    public void Setup()
    {
        _engine = new ConflationEngine(BenchmarkUniverse.Create(100), new EngineSettings(JournalCapacity: 4096));
        _subscriber = _engine.CreateSubscriber(new SenderSignal());
        for (int i = 0; i < 100; i++)
        {
            _subscriber.Subscribe(i, DeliveryMode.Full, snapshot: false);
        }

        _ticks = BenchmarkUniverse.Ticks(100, TicksPerOp);
    }

    [Benchmark(OperationsPerInvoke = TicksPerOp)]
    public long PublishAndDrainFull()
    {
        Tick[] ticks = _ticks;
        for (int i = 0; i < ticks.Length; i++)
        {
            Tick tick = ticks[i];
            _engine.Publish(ref tick);
            if (i % 1000 == 999)
            {
                _subscriber.Drain(ref _sink, 0);
            }
        }

        return _sink.Count;
    }
}
