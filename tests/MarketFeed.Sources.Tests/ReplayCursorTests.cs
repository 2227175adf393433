using MarketFeed.Core;
using MarketFeed.Sources.Datasets;
using MarketFeed.Sources.Import;
using MarketFeed.Sources.Replay;
using MarketFeed.Sources.TickLog;
using MarketFeed.Testing;

namespace MarketFeed.Sources.Tests;

public sealed class ReplayCursorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Window_AndSymbolFilter_YieldExactlyTheMatchingTicksInOrder()
    {
        var ticks = SyntheticTicks.Make(2000);
        string path = _dir.File("d.mflog");
        SyntheticTicks.Write(path, ticks, blockTicks: 128);
        long from = ticks[700].Timestamp;
        long to = ticks[1500].Timestamp;

        using var cursor = ReplayCursor.Open(path, ["bbb", "CCC"], from, to);
        Assert.Equal(["BBB", "CCC"], cursor.Symbols.Select(s => s.Name));
        var got = Drain(cursor);
        var expected = ticks.Where(t => t.Timestamp >= from && t.Timestamp <= to && t.SymbolId != 0).ToList();
        Assert.Equal(expected, got);
    }

    [Fact]
    public void Seek_JumpsForwardAndBack()
    {
        var ticks = SyntheticTicks.Make(2000);
        string path = _dir.File("s.mflog");
        SyntheticTicks.Write(path, ticks, blockTicks: 100);
        using var cursor = ReplayCursor.Open(path);
        Assert.True(cursor.TryGetNext(out var first));
        Assert.Equal(ticks[0], first);

        cursor.Seek(ticks[1234].Timestamp);
        Assert.True(cursor.TryPeek(out var peek));
        Assert.Equal(ticks[1234], peek);
        Assert.True(cursor.TryGetNext(out var next));
        Assert.Equal(ticks[1234], next);

        cursor.Seek(ticks[10].Timestamp);
        Assert.Equal(ticks[10..], Drain(cursor));
    }

    [Fact]
    public void BuildSnapshots_EqualsStateAfterTicksBeforeThePosition()
    {
        var ticks = SyntheticTicks.Make(1000);
        string path = _dir.File("snap.mflog");
        SyntheticTicks.Write(path, ticks, blockTicks: 100);
        using var cursor = ReplayCursor.Open(path, ["AAA", "CCC"]);
        var snaps = cursor.BuildSnapshots(ticks[555].Timestamp);

        var expected = new MarketSnapshot[3];
        foreach (var t in ticks[..555])
        {
            expected[t.SymbolId].SymbolId = t.SymbolId;
            expected[t.SymbolId].Apply(t);
        }

        Assert.Equal(expected[0], snaps[0]);
        Assert.Equal(0, snaps[1].Sequence);
        Assert.Equal(expected[2], snaps[2]);
    }

    [Fact]
    public void UnknownSymbol_Throws()
    {
        string path = _dir.File("u.mflog");
        SyntheticTicks.Write(path, SyntheticTicks.Make(10));
        var ex = Assert.Throws<ArgumentException>(() => ReplayCursor.Open(path, ["AAA", "ZZZ"]).Dispose());
        Assert.Contains("ZZZ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptBlock_SkipDamage_IsSkippedAndReported_RestStillReplays()
    {
        var ticks = SyntheticTicks.Make(500);
        string path = _dir.File("c.mflog");
        SyntheticTicks.Write(path, ticks, blockTicks: 100);
        long offset;
        using (var r = TickLogReader.Open(path))
        {
            offset = r.Blocks[1].Offset + TickLogFormat.BlockHeaderSize + 5;
        }

        using (var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            fs.Position = offset;
            fs.WriteByte(0xff);
        }

        using var cursor = ReplayCursor.Open(path);
        cursor.SkipDamage = true;
        Assert.Equal([.. ticks[..100], .. ticks[200..]], Drain(cursor));
        Assert.Single(cursor.Damage);
    }

    [Fact]
    public void Ibm_SameRequestTwice_GivesTheSameTicksInTheSameOrder()
    {
        string data = _dir.File("data");
        Directory.CreateDirectory(data);
        string ibm = Path.Combine(TestPaths.SharedData, "lean-algoseek", "ibm");
        Importer.ImportLean([Path.Combine(ibm, "20131007_trade.zip"), Path.Combine(ibm, "20131007_quote.zip")], Path.Combine(data, "ibm-20131007.mflog"));
        var catalog = new DatasetCatalog(data);
        long from = UnixTime.FromDateTimeOffset(new DateTimeOffset(2013, 10, 7, 13, 30, 0, TimeSpan.Zero));
        long to = UnixTime.FromDateTimeOffset(new DateTimeOffset(2013, 10, 7, 14, 0, 0, TimeSpan.Zero));

        List<Tick> first;
        using (var c1 = catalog.OpenCursor("ibm-20131007", ["IBM"], from, to))
        {
            first = Drain(c1);
        }

        using var c2 = catalog.OpenCursor("ibm-20131007", ["IBM"], from, to);
        var second = Drain(c2);
        Assert.True(first.Count > 1000);
        Assert.Equal(first, second);
        Assert.All(first, t => Assert.InRange(t.Timestamp, from, to));

        // Per-symbol sequences inside the window are contiguous (full-mode replay never gaps).
        for (int i = 1; i < first.Count; i++)
        {
            Assert.Equal(first[i - 1].Sequence + 1, first[i].Sequence);
        }
    }

    [Fact]
    public void TryGetNext_DoesNotAllocate()
    {
        string path = _dir.File("alloc.mflog");
        SyntheticTicks.Write(path, SyntheticTicks.Make(3000), blockTicks: 4096);
        using var cursor = ReplayCursor.Open(path);
        Assert.True(cursor.TryGetNext(out _));
        long before = GC.GetAllocatedBytesForCurrentThread();
        int n = 1;
        while (cursor.TryGetNext(out _))
        {
            n++;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(3000, n);
    }

    private static List<Tick> Drain(ReplayCursor cursor)
    {
        var list = new List<Tick>();
        while (cursor.TryGetNext(out var t))
        {
            list.Add(t);
        }

        return list;
    }
}
