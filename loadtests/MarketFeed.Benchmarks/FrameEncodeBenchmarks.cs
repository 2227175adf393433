using BenchmarkDotNet.Attributes;
using MarketFeed.Core;
using MarketFeed.Protocol;
using MarketFeed.Gateway.Sending;

namespace MarketFeed.Benchmarks;

/// <summary>
/// Frame encoding per update: MessagePack-encoding quotes/trades into a pooled frame, versus
/// copying bytes another connection already encoded (the encode-once cache hit path), versus the
/// server's sink (cache lookup, encode on miss, publish).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class FrameEncodeBenchmarks : IDisposable
{
    private const int UpdatesPerFrame = 200;
    private readonly FrameBuilder _frame = new(64 * 1024);
    private Tick[] _ticks = [];
    private EncodedMessageCache _warmCache = null!;

    [GlobalSetup]
    public void Setup()
    {
        _ticks = BenchmarkUniverse.Ticks(UpdatesPerFrame, UpdatesPerFrame);
        for (int i = 0; i < _ticks.Length; i++)
        {
            _ticks[i].Sequence = 1000 + i;
            _ticks[i].CumulativeVolume = 1_000_000;
            _ticks[i].TradeCount = 10_000;
        }

        _warmCache = new EncodedMessageCache(UpdatesPerFrame);
        var sink = new FrameSink(_frame, _warmCache, int.MaxValue);
        _frame.Reset();
        foreach (var t in _ticks)
        {
            sink.OnTick(t);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = UpdatesPerFrame)]
    public int EncodeFrame()
    {
        _frame.Reset();
        Tick[] ticks = _ticks;
        for (int i = 0; i < ticks.Length; i++)
        {
            _frame.AddTick(ticks[i]);
        }

        return _frame.Complete().Length;
    }

    /// <summary>The same frame through <see cref="MessageEncoder"/> and a MessagePackWriter per message (what TickMessageWriter replaced).</summary>
    [Benchmark(OperationsPerInvoke = UpdatesPerFrame)]
    public int EncodeFrameWithMessagePackWriter()
    {
        _frame.Reset();
        Tick[] ticks = _ticks;
        for (int i = 0; i < ticks.Length; i++)
        {
            _frame.Add(ticks[i], static (ref w, t) => MessageEncoder.WriteTick(ref w, t));
        }

        return _frame.Complete().Length;
    }

    [Benchmark(OperationsPerInvoke = UpdatesPerFrame)]
    public int CopyFromEncodeOnceCache()
    {
        _frame.Reset();
        var sink = new FrameSink(_frame, _warmCache, int.MaxValue);
        Tick[] ticks = _ticks;
        for (int i = 0; i < ticks.Length; i++)
        {
            sink.OnTick(ticks[i]);
        }

        return _frame.Complete().Length;
    }

    /// <summary>Returns the frame buffer to the pool.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>BenchmarkDotNet needs benchmark classes unsealed: the standard pattern.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _frame.Dispose();
        }
    }
}
