using BenchmarkDotNet.Attributes;
using MarketFeed.Core;
using MarketFeed.Engine;

namespace MarketFeed.Benchmarks;

/// <summary>
/// Hot symbol (issue 14 part 2): every tick is on one symbol held by <see cref="Subscribers"/>
/// conflated subscribers. <c>Publish</c>: the producer alone with every subscriber already marked
/// (consumers slower than the source: the steady state under load) — the figure that must not grow
/// with the subscriber count. <c>PublishAndDrain</c>: the producer plus every subscriber's drain
/// every <see cref="DrainEvery"/> ticks on the same thread (each drain re-arms the subscriber, so
/// each round of drains costs the producer one wake per subscriber): producer + senders per tick.
/// Written against the engine's public API only, so the same file runs on older commits.
/// </summary>
[MemoryDiagnoser]
public class HotSymbolBenchmarks
{
    private const int Symbols = 10;
    private const int TicksPerOp = 10_000;
    private const int DrainEvery = 1_000;
    private ConflationEngine _engine = null!;
    private Subscriber[] _subscribers = [];
    private Tick[] _ticks = [];
    private CountingSink _sink;

    [Params(1, 100, 1_000, 10_000)]
    public int Subscribers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _engine = new ConflationEngine(BenchmarkUniverse.Create(Symbols));
        _subscribers = new Subscriber[Subscribers];
        for (int s = 0; s < Subscribers; s++)
        {
            _subscribers[s] = _engine.CreateSubscriber(new SenderSignal());
            _subscribers[s].Subscribe(0, DeliveryMode.Conflated, snapshot: false);
        }

        // Every tick on symbol 0 (the hot one).
        _ticks = BenchmarkUniverse.Ticks(1, TicksPerOp);
        DrainAll();

        // One tick marks everyone: Publish then finds them marked (nobody drains in it).
        Tick first = _ticks[0];
        _engine.Publish(ref first);
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
            if (i % DrainEvery == DrainEvery - 1)
            {
                DrainAll();
            }
        }
    }

    private void DrainAll()
    {
        foreach (Subscriber s in _subscribers)
        {
            s.Drain(ref _sink, 0);
        }
    }
}
