using MarketFeed.Core;
using MarketFeed.Sources.Datasets;
using MarketFeed.Sources.TickLog;

using MarketFeed.Testing;

namespace MarketFeed.Sources.Tests;

public sealed class DatasetCatalogTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void List_ReadsSymbolsRangeAndCountFromIndex()
    {
        var a = SyntheticTicks.Make(1000);
        var b = SyntheticTicks.Make(10, start: SyntheticTicks.Start + 5);
        SyntheticTicks.Write(_dir.File("beta.mflog"), b);
        SyntheticTicks.Write(_dir.File("alpha.mflog"), a);
        File.WriteAllText(_dir.File("broken.mflog"), "nope");
        File.WriteAllText(_dir.File("notes.txt"), "ignored");

        var catalog = new DatasetCatalog(_dir.Path);
        var list = catalog.List();
        Assert.Equal(["alpha", "beta"], list.Select(d => d.Name));
        Assert.Single(catalog.Problems);
        var entry = list[0];
        Assert.Equal("alpha", entry.Name);
        Assert.Equal(["AAA", "BBB", "CCC"], entry.Symbols.Select(s => s.Name));
        Assert.Equal(a[0].Timestamp, entry.From);
        Assert.Equal(a[^1].Timestamp, entry.To);
        Assert.Equal(1000, entry.TickCount);
    }

    [Fact]
    public void TryGet_RejectsPathTricks()
    {
        SyntheticTicks.Write(_dir.File("ok.mflog"), SyntheticTicks.Make(5));
        var catalog = new DatasetCatalog(_dir.Path);
        Assert.True(catalog.TryGet("ok", out var info));
        Assert.Equal(5, info.TickCount);
        Assert.False(catalog.TryGet("../ok", out _));
        Assert.False(catalog.TryGet("missing", out _));
        Assert.Throws<KeyNotFoundException>(() => catalog.OpenCursor("missing"));
    }

    [Fact]
    public void UncleanLog_IsListedWithRebuiltIndex()
    {
        string path = _dir.File("rec.mflog");
        SyntheticTicks.Write(path, SyntheticTicks.Make(300));
        SyntheticTicks.StripFooter(path);
        var info = Assert.Single(new DatasetCatalog(_dir.Path).List());
        Assert.False(info.HasFooterIndex);
        Assert.Equal(300, info.TickCount);
        Assert.Empty(info.Damage);
        Assert.IsType<TickLogSymbol>(info.Symbols[0]);
    }

    [Fact]
    public void State_IntactUnclosedDamaged_WithReadableTicks()
    {
        SyntheticTicks.Write(_dir.File("a-clean.mflog"), SyntheticTicks.Make(300));
        string unclosed = _dir.File("b-unclosed.mflog");
        SyntheticTicks.Write(unclosed, SyntheticTicks.Make(300));
        SyntheticTicks.StripFooter(unclosed);
        string torn = _dir.File("c-torn.mflog");
        SyntheticTicks.Write(torn, SyntheticTicks.Make(300));
        long end = SyntheticTicks.StripFooter(torn);
        using (var fs = new FileStream(torn, FileMode.Open, FileAccess.Write))
        {
            fs.SetLength(end - 30);
        }

        string flipped = _dir.File("d-flipped.mflog");
        SyntheticTicks.Write(flipped, SyntheticTicks.Make(300));
        long offset;
        using (var reader = TickLogReader.Open(flipped))
        {
            offset = reader.Blocks[1].Offset + TickLogFormat.BlockHeaderSize + 3;
        }

        using (var fs = new FileStream(flipped, FileMode.Open, FileAccess.ReadWrite))
        {
            fs.Position = offset;
            int b = fs.ReadByte();
            fs.Position = offset;
            fs.WriteByte((byte)(b ^ 1));
        }

        var entries = new DatasetCatalog(_dir.Path).List();
        Assert.Equal(
            [("a-clean", "intact", 300L), ("b-unclosed", "unclosed", 300L), ("c-torn", "damaged", 200L), ("d-flipped", "damaged", 200L)],
            entries.Select(e => (e.Name, e.State, e.ReadableTicks)));
        Assert.Null(entries[0].DamageSummary);
        Assert.Contains("TruncatedBlock", entries[2].DamageSummary);
        Assert.Contains("ChecksumMismatch", entries[3].DamageSummary);
        Assert.Equal(300, entries[3].TickCount);
    }

    [Fact]
    public void FlagCounts_CountEveryReadableFlaggedTick()
    {
        var ticks = SyntheticTicks.Make(300);
        for (int i = 0; i < ticks.Length; i += 7)
        {
            ticks[i].Flags |= TickFlags.SizeUnknown;
        }

        SyntheticTicks.Write(_dir.File("flags.mflog"), ticks);
        var info = Assert.Single(new DatasetCatalog(_dir.Path).List());

        Assert.Equal(ticks.Count(t => (t.Flags & TickFlags.Suspicious) != 0), info.SuspiciousTicks);
        Assert.Equal(ticks.Count(t => (t.Flags & TickFlags.SizeUnknown) != 0), info.SizeUnknownTicks);
        Assert.Equal(300 / 11 + 1, info.SuspiciousTicks); // every 11th tick of SyntheticTicks
        Assert.Equal(300 / 7 + 1, info.SizeUnknownTicks);
    }

    [Fact]
    public void FlagCounts_LeaveOutDamagedBlocks()
    {
        string path = _dir.File("flipped.mflog");
        var ticks = SyntheticTicks.Make(300);
        SyntheticTicks.Write(path, ticks);
        long offset;
        using (var reader = TickLogReader.Open(path))
        {
            offset = reader.Blocks[1].Offset + TickLogFormat.BlockHeaderSize + 3;
        }

        using (var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            fs.Position = offset;
            int b = fs.ReadByte();
            fs.Position = offset;
            fs.WriteByte((byte)(b ^ 1));
        }

        var info = Assert.Single(new DatasetCatalog(_dir.Path).List());
        var readable = ticks.Take(100).Concat(ticks.Skip(200)).ToList();
        Assert.Equal(readable.Count(t => (t.Flags & TickFlags.Suspicious) != 0), info.SuspiciousTicks);
        Assert.NotEqual(ticks.Count(t => (t.Flags & TickFlags.Suspicious) != 0), info.SuspiciousTicks);
    }

    [Fact]
    public void Damage_SaysBetweenWhichTickTimesItLies()
    {
        var ticks = SyntheticTicks.Make(300);

        // A flipped payload byte in block 1 (ticks 100..199): the lost ticks lie between ticks 99 and 200.
        string flipped = _dir.File("flipped.mflog");
        SyntheticTicks.Write(flipped, ticks);
        using (var reader = TickLogReader.Open(flipped))
        {
            long offset = reader.Blocks[1].Offset + TickLogFormat.BlockHeaderSize + 3;
            using var fs = new FileStream(flipped, FileMode.Open, FileAccess.ReadWrite);
            fs.Position = offset;
            int b = fs.ReadByte();
            fs.Position = offset;
            fs.WriteByte((byte)(b ^ 1));
        }

        var checksum = Assert.Single(Assert.Single(new DatasetCatalog(_dir.Path).List(), d => d.Name == "flipped").Damage);
        Assert.Equal(TickLogDamageKind.ChecksumMismatch, checksum.Kind);
        Assert.Equal(ticks[99].Timestamp, checksum.AfterTimestamp);
        Assert.Equal(ticks[200].Timestamp, checksum.BeforeTimestamp);

        // Garbage over block 1's header (found by the scan of an unclosed log): between the same ticks.
        string garbled = _dir.File("garbled.mflog");
        SyntheticTicks.Write(garbled, ticks);
        SyntheticTicks.StripFooter(garbled);
        using (var reader = TickLogReader.Open(garbled))
        {
            using var fs = new FileStream(garbled, FileMode.Open, FileAccess.ReadWrite);
            fs.Position = reader.Blocks[1].Offset;
            fs.Write(new byte[8]);
        }

        var corrupt = Assert.Single(Assert.Single(new DatasetCatalog(_dir.Path).List(), d => d.Name == "garbled").Damage);
        Assert.Equal(TickLogDamageKind.CorruptRegion, corrupt.Kind);
        Assert.Equal(ticks[99].Timestamp, corrupt.AfterTimestamp);
        Assert.Equal(ticks[200].Timestamp, corrupt.BeforeTimestamp);

        // A torn tail: after the last readable tick, nothing after it (0).
        string torn = _dir.File("torn.mflog");
        SyntheticTicks.Write(torn, ticks);
        long end = SyntheticTicks.StripFooter(torn);
        using (var fs = new FileStream(torn, FileMode.Open, FileAccess.Write))
        {
            fs.SetLength(end - 30);
        }

        var tail = Assert.Single(Assert.Single(new DatasetCatalog(_dir.Path).List(), d => d.Name == "torn").Damage);
        Assert.Equal(TickLogDamageKind.TruncatedBlock, tail.Kind);
        Assert.Equal(ticks[199].Timestamp, tail.AfterTimestamp);
        Assert.Equal(0, tail.BeforeTimestamp);
    }
}
