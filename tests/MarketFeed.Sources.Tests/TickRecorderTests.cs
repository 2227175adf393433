using MarketFeed.Core;
using MarketFeed.Sources.Recording;
using MarketFeed.Sources.TickLog;
using Microsoft.Extensions.Time.Testing;

using MarketFeed.Testing;

namespace MarketFeed.Sources.Tests;

public sealed class TickRecorderTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2023, 11, 14, 22, 0, 0, TimeSpan.Zero));

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task FlushSchedule_WritesBufferedTicksWhenTheIntervalElapses()
    {
        using var recorder = NewRecorder(blockTicks: 10_000);
        var ticks = SyntheticTicks.Make(250);
        foreach (ref readonly var t in ticks.AsSpan())
        {
            recorder.OnTick(in t);
        }

        var flushed = recorder.WaitForNextFlushAsync();
        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(0, recorder.FlushCount);
        _time.Advance(TimeSpan.FromMilliseconds(500));
        await flushed.WaitAsync(Timeout);
        Assert.Equal(1, recorder.FlushCount);

        // The file is still open (no footer) but every flushed tick is on disk.
        string path = Assert.Single(recorder.Files);
        using var reader = TickLogReader.Open(path);
        Assert.False(reader.HasFooterIndex);
        Assert.Equal(ticks, reader.ReadAllTicks());
        Assert.Empty(reader.Damage);
    }

    [Fact]
    public async Task CrashAfterFlush_LosesOnlyTheUnflushedTail()
    {
        using var recorder = NewRecorder(blockTicks: 100);
        var ticks = SyntheticTicks.Make(1000);
        for (int i = 0; i < 730; i++)
        {
            recorder.OnTick(in ticks[i]);
        }

        await recorder.FlushAsync().WaitAsync(Timeout);
        string live = Assert.Single(recorder.Files);

        // What kill -9 leaves: the flushed bytes, plus a torn block that was being written.
        string crashed = _dir.File("crashed.mflog");
        File.Copy(live, crashed);
        byte[] torn = new byte[300];
        using (var src = new FileStream(live, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            src.Position = src.Length - 300;
            src.ReadExactly(torn);
        }

        using (var fs = new FileStream(crashed, FileMode.Append, FileAccess.Write))
        {
            fs.Write(torn, 0, 200);
        }

        using var reader = TickLogReader.Open(crashed);
        Assert.Equal(ticks[..730], reader.ReadAllTicks());
        Assert.NotEmpty(reader.Damage);
        Assert.Equal(new FileInfo(live).Length, reader.Damage[0].Offset);
    }

    [Fact]
    public async Task CrashAfterFlush_GarbledTail_StillReadsEveryFlushedBlock()
    {
        using var recorder = NewRecorder(blockTicks: 64);
        var ticks = SyntheticTicks.Make(500);
        foreach (ref readonly var t in ticks.AsSpan())
        {
            recorder.OnTick(in t);
        }

        await recorder.FlushAsync().WaitAsync(Timeout);
        string crashed = _dir.File("garbled.mflog");
        File.Copy(Assert.Single(recorder.Files), crashed);
        long flushedLength = new FileInfo(crashed).Length;
        using (var fs = new FileStream(crashed, FileMode.Append, FileAccess.Write))
        {
            fs.Write(new byte[4096]);
        }

        using var reader = TickLogReader.Open(crashed);
        Assert.Equal(ticks, reader.ReadAllTicks());
        var damage = Assert.Single(reader.Damage);
        Assert.Equal(flushedLength, damage.Offset);
        Assert.Equal(4096, damage.Length);
    }

    [Fact]
    public void Rotation_ByUtcDay_OneFilePerDay_ClosedWithIndex()
    {
        var recorder = NewRecorder(blockTicks: 100);
        long midnight = UnixTime.FromDateTimeOffset(new DateTimeOffset(2023, 11, 15, 0, 0, 0, TimeSpan.Zero));
        var ticks = SyntheticTicks.Make(300, start: midnight - (150 * 1_000_000L));
        foreach (ref readonly var t in ticks.AsSpan())
        {
            recorder.OnTick(in t);
        }

        recorder.Dispose();
        Assert.Equal(["live-20231114.mflog", "live-20231115.mflog"], recorder.Files.Select(Path.GetFileName));
        using var day1 = TickLogReader.Open(recorder.Files[0]);
        using var day2 = TickLogReader.Open(recorder.Files[1]);
        Assert.True(day1.HasFooterIndex && day2.HasFooterIndex);
        Assert.Equal(ticks[..150], day1.ReadAllTicks());
        Assert.Equal(ticks[150..], day2.ReadAllTicks());
        Assert.Equal(SyntheticTicks.Symbols, day2.Symbols);
        Assert.Equal(300, recorder.RecordedTicks);
    }

    [Fact]
    public void Rotation_BySize_StartsNumberedFiles_NoTickLost()
    {
        var recorder = NewRecorder(blockTicks: 50, maxFileBytes: 4000);
        var ticks = SyntheticTicks.Make(1000);
        foreach (ref readonly var t in ticks.AsSpan())
        {
            recorder.OnTick(in t);
        }

        recorder.Dispose();
        Assert.True(recorder.Files.Count > 2);
        Assert.Equal("live-20231114-1.mflog", Path.GetFileName(recorder.Files[1]));
        var all = new List<Tick>();
        foreach (string f in recorder.Files)
        {
            using var r = TickLogReader.Open(f);
            Assert.Empty(r.Damage);
            all.AddRange(r.ReadAllTicks());
        }

        Assert.Equal(ticks, all);
    }

    [Fact]
    public void RingOverflow_DropsAndCounts_NeverBlocks()
    {
        var recorder = new TickRecorder(
            new TickRecorderOptions { Directory = _dir.Path, RingCapacity = 16, AutoStart = false },
            SyntheticTicks.Symbols,
            _time);
        var ticks = SyntheticTicks.Make(100);
        foreach (ref readonly var t in ticks.AsSpan())
        {
            recorder.OnTick(in t);
        }

        Assert.Equal(84, recorder.DroppedTicks);
        recorder.Start();
        recorder.Dispose();
        using var reader = TickLogReader.Open(Assert.Single(recorder.Files));
        Assert.Equal(ticks[..16], reader.ReadAllTicks());
    }

    [Fact]
    public void OnTick_DoesNotAllocate()
    {
        using var recorder = new TickRecorder(
            new TickRecorderOptions { Directory = _dir.Path, RingCapacity = 8192, AutoStart = false },
            SyntheticTicks.Symbols,
            _time);
        var ticks = SyntheticTicks.Make(5000);
        recorder.OnTick(in ticks[0]);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 1; i < ticks.Length; i++)
        {
            recorder.OnTick(in ticks[i]);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private TickRecorder NewRecorder(int blockTicks, long maxFileBytes = 1L << 30) =>
        new(new TickRecorderOptions { Directory = _dir.Path, BlockTicks = blockTicks, MaxFileBytes = maxFileBytes, FlushInterval = TimeSpan.FromSeconds(1) }, SyntheticTicks.Symbols, _time);
}
