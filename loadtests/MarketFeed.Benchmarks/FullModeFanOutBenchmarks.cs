using BenchmarkDotNet.Attributes;
using MarketFeed.Core;
using MarketFeed.Engine;

namespace MarketFeed.Benchmarks;

/// <summary>
/// The full-mode delivery path by number of full-mode readers: 0/1/10/100/1,000 subscribers over
/// a 100-symbol universe, each holding 5 symbols (spread evenly) or all 100.
/// <c>PublishOnly</c> is the producer's cost per tick (every reader drained before the iteration,
/// none during it); <c>PublishAndDrain</c> adds every reader's drain every 256 ticks on the same
/// thread: producer plus senders, per tick. Written against the engine's public API only, so the
/// same file measures the journal and (on an older commit) the per-connection rings.
/// One invocation per iteration (the iteration setup drains the readers); run it with
/// <c>--inProcess --warmupCount 3 --iterationCount 15 --invocationCount 1 --unrollFactor 1</c>
/// (see docs/benchmarks.md).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class FullModeFanOutBenchmarks
{
    private const int Symbols = 100;
    private const int TicksPerOp = 8192;
    private const int DrainEvery = 256;
    private ConflationEngine _engine = null!;
    private Subscriber[] _readers = [];
    private Tick[] _ticks = [];
    private CountingSink _sink;

    [Params(0, 1, 10, 100, 1000)]
    public int Readers { get; set; }

    [Params(5, Symbols)]
    public int SymbolsPerReader { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // Positional settings (symbols per subscriber, full-mode capacity in ticks): 16,384 is the
        // old per-connection ring's default and holds one op's ticks with room to spare.
        _engine = new ConflationEngine(BenchmarkUniverse.Create(Symbols), new EngineSettings(1024, 16384));
        _readers = new Subscriber[Readers];
        for (int r = 0; r < Readers; r++)
        {
            _readers[r] = _engine.CreateSubscriber(new SenderSignal());
            for (int k = 0; k < SymbolsPerReader; k++)
            {
                _readers[r].Subscribe((r * SymbolsPerReader + k) % Symbols, DeliveryMode.Full, snapshot: false);
            }
        }

        _ticks = BenchmarkUniverse.Ticks(Symbols, TicksPerOp);
    }

    [IterationSetup(Target = nameof(PublishOnly))]
    public void DrainAll()
    {
        foreach (Subscriber reader in _readers)
        {
            while (reader.Drain(ref _sink, 0).HasMore)
            {
            }
        }
    }

    [Benchmark(OperationsPerInvoke = TicksPerOp)]
    public void PublishOnly()
    {
        Tick[] ticks = _ticks;
        for (int i = 0; i < ticks.Length; i++)
        {
            Tick tick = ticks[i];
            _engine.Publish(ref tick);
        }
    }

    [Benchmark(OperationsPerInvoke = TicksPerOp)]
    public long PublishAndDrain()
    {
        Tick[] ticks = _ticks;
        for (int i = 0; i < ticks.Length; i++)
        {
            Tick tick = ticks[i];
            _engine.Publish(ref tick);
            if (i % DrainEvery == DrainEvery - 1)
            {
                foreach (Subscriber reader in _readers)
                {
                    reader.Drain(ref _sink, 0);
                }
            }
        }

        return _sink.Count;
    }
}
