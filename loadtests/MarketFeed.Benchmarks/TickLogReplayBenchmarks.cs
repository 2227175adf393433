using BenchmarkDotNet.Attributes;
using MarketFeed.Core;
using MarketFeed.Sources.Import;
using MarketFeed.Sources.Replay;

namespace MarketFeed.Benchmarks;

/// <summary>
/// Reading a dataset at max speed: open the IBM 2013-10-07 tick log, read, checksum and decode
/// every tick through a <see cref="ReplayCursor"/> (the replay source's share of the
/// "IBM day in under 0.2 s end to end" target). Mean is per tick.
/// </summary>
[MemoryDiagnoser]
public class TickLogReplayBenchmarks
{
    private const int IbmTicks = 24_293 + 109_067;
    private string _path = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MarketFeed.sln")))
        {
            dir = dir.Parent;
        }

        string ibm = Path.Combine(dir?.FullName ?? throw new InvalidOperationException("MarketFeed.sln not found"), "..", "shared", "data", "lean-algoseek", "ibm");
        string outDir = Path.Combine(Path.GetTempPath(), "mf-replay-bench");
        Directory.CreateDirectory(outDir);
        _path = Path.Combine(outDir, "ibm-20131007.mflog");
        Importer.ImportLean([Path.Combine(ibm, "20131007_trade.zip"), Path.Combine(ibm, "20131007_quote.zip")], _path);
    }

    /// <summary>All ticks of the day, max speed, no pacing.</summary>
    [Benchmark(OperationsPerInvoke = IbmTicks)]
    public long CursorReadAll()
    {
        using var cursor = ReplayCursor.Open(_path);
        long volume = 0;
        while (cursor.TryGetNext(out Tick tick))
        {
            volume += tick.Size;
        }

        return volume;
    }
}
