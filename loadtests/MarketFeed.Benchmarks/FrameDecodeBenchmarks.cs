using BenchmarkDotNet.Attributes;
using MarketFeed.Core;
using MarketFeed.Protocol;
using MessagePack;

namespace MarketFeed.Benchmarks;

/// <summary>
/// Frame decoding per update (client side): the span decoder behind <see cref="FrameReader"/>,
/// versus <see cref="FrameDecoder.TryReadTick"/> on a MessagePackReader (the previous load-client
/// path), versus <see cref="FrameDecoder.Decode(ReadOnlyMemory{byte})"/> into typed messages (the
/// .NET client's default, one record per update).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class FrameDecodeBenchmarks
{
    private const int UpdatesPerFrame = 200;
    private readonly List<ServerMessage> _messages = new(UpdatesPerFrame);
    private byte[] _frame = [];

    [GlobalSetup]
    public void Setup()
    {
        Tick[] ticks = BenchmarkUniverse.Ticks(UpdatesPerFrame, UpdatesPerFrame);
        using var builder = new FrameBuilder(64 * 1024);
        for (int i = 0; i < ticks.Length; i++)
        {
            ticks[i].Sequence = 1000 + i;
            ticks[i].CumulativeVolume = 1_000_000;
            ticks[i].TradeCount = 10_000;
            builder.AddTick(ticks[i]);
        }

        _frame = builder.Complete().ToArray();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = UpdatesPerFrame)]
    public long FrameReader()
    {
        long sum = 0;
        var reader = new FrameReader(_frame);
        while (reader.Remaining > 0)
        {
            if (reader.TryReadTick(out Tick tick, out _))
            {
                sum += tick.Timestamp + tick.Sequence;
            }
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = UpdatesPerFrame)]
    public long TryReadTickWithMessagePackReader()
    {
        long sum = 0;
        var reader = new MessagePackReader(_frame);
        int count = FrameDecoder.ReadFrameHeader(ref reader);
        for (int i = 0; i < count; i++)
        {
            if (FrameDecoder.TryReadTick(ref reader, out Tick tick, out _))
            {
                sum += tick.Timestamp + tick.Sequence;
            }
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = UpdatesPerFrame)]
    public int DecodeToMessages()
    {
        _messages.Clear();
        FrameDecoder.Decode(_frame, _messages);
        return _messages.Count;
    }
}
