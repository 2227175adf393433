using BenchmarkDotNet.Attributes;
using MarketFeed.Core;
using MarketFeed.Engine;

namespace MarketFeed.Benchmarks;

/// <summary>
/// Engine ingest on one producer thread: sequence + apply + mark subscribers, per tick, with
/// 0/1/10/1000 conflated subscribers on every symbol. <c>Publish</c> is the producer's cost with
/// consumers slower than the source (bits already set: the steady state under load);
/// <c>PublishAndDrain</c> adds draining every subscriber every 100 ticks on the same thread, so each
/// tick pays a clear-to-set flip and a wake-up: the producer's worst case plus the senders' work.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class EngineIngestBenchmarks
{
    private const int Symbols = 100;
    private const int TicksPerOp = 10_000;
    private ConflationEngine _engine = null!;
    private Subscriber[] _subscribers = [];
    private Tick[] _ticks = [];
    private CountingSink _sink;

    [Params(0, 1, 10, 1000)]
    public int SubscribersPerSymbol { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _engine = new ConflationEngine(BenchmarkUniverse.Create(Symbols));
        _subscribers = new Subscriber[SubscribersPerSymbol];
        for (int s = 0; s < SubscribersPerSymbol; s++)
        {
            _subscribers[s] = _engine.CreateSubscriber(new SenderSignal());
            for (int i = 0; i < Symbols; i++)
            {
                _subscribers[s].Subscribe(i, DeliveryMode.Conflated, snapshot: false);
            }
        }

        _ticks = BenchmarkUniverse.Ticks(Symbols, TicksPerOp);
    }

    [Benchmark(OperationsPerInvoke = TicksPerOp)]
    public void Publish()
    {
        Tick[] ticks = _ticks;
        for (int i = 0; i < ticks.Length; i++)
        {
            Tick tick = ticks[i];
            _engine.Publish(ref tick);
        }
    }

    [Benchmark(OperationsPerInvoke = TicksPerOp)]
    public void PublishAndDrain()
    {
        Tick[] ticks = _ticks;
        for (int i = 0; i < ticks.Length; i++)
        {
            Tick tick = ticks[i];
            _engine.Publish(ref tick);
            if (i % 100 == 99)
            {
                foreach (Subscriber s in _subscribers)
                {
                    s.Drain(ref _sink, 0);
                }
            }
        }
    }
}
