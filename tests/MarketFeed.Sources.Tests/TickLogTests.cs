using MarketFeed.Core;
using MarketFeed.Sources.TickLog;

using MarketFeed.Testing;

namespace MarketFeed.Sources.Tests;

public sealed class TickLogTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void WriteThenRead_RoundTripsEveryField_WithFooterIndex()
    {
        var ticks = SyntheticTicks.Make(1050);
        string path = _dir.File("a.mflog");
        SyntheticTicks.Write(path, ticks, blockTicks: 100);

        using var reader = TickLogReader.Open(path);
        Assert.True(reader.HasFooterIndex);
        Assert.Equal(11, reader.Blocks.Count);
        Assert.Equal(1050, reader.TickCount);
        Assert.Equal(SyntheticTicks.Symbols, reader.Symbols);
        Assert.Equal("test", reader.Source);
        Assert.Equal(ticks[0].Timestamp, reader.FirstTimestamp);
        Assert.Equal(ticks[^1].Timestamp, reader.LastTimestamp);
        var back = reader.ReadAllTicks();
        Assert.Equal(ticks, back);
        Assert.Empty(reader.Damage);
    }

    [Fact]
    public void Open_WithoutFooter_RebuildsIndexByScanning()
    {
        var ticks = SyntheticTicks.Make(1000);
        string path = _dir.File("nofooter.mflog");
        SyntheticTicks.Write(path, ticks, blockTicks: 100);
        SyntheticTicks.StripFooter(path);

        using var reader = TickLogReader.Open(path);
        Assert.False(reader.HasFooterIndex);
        Assert.Equal(10, reader.Blocks.Count);
        Assert.Equal(ticks, reader.ReadAllTicks());
        Assert.Empty(reader.Damage);
    }

    [Fact]
    public void FindFirstBlock_SeeksWithoutScanning()
    {
        var ticks = SyntheticTicks.Make(1000);
        string path = _dir.File("seek.mflog");
        SyntheticTicks.Write(path, ticks, blockTicks: 100);
        using var reader = TickLogReader.Open(path);

        Assert.Equal(0, reader.FindFirstBlock(long.MinValue));
        Assert.Equal(5, reader.FindFirstBlock(ticks[550].Timestamp));
        Assert.Equal(5, reader.FindFirstBlock(ticks[599].Timestamp));
        Assert.Equal(6, reader.FindFirstBlock(ticks[599].Timestamp + 1));
        Assert.Equal(10, reader.FindFirstBlock(ticks[^1].Timestamp + 1));
    }

    [Fact]
    public void TruncatedTail_ReadsEveryCompleteBlock_AndReportsTheTornBlock()
    {
        var ticks = SyntheticTicks.Make(1000);
        string path = _dir.File("torn.mflog");
        SyntheticTicks.Write(path, ticks, blockTicks: 100);
        long end = SyntheticTicks.StripFooter(path);
        long block9;
        using (var r = TickLogReader.Open(path))
        {
            block9 = r.Blocks[9].Offset;
        }

        // A crash in the middle of writing the last block.
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            fs.SetLength(block9 + ((end - block9) / 2));
        }

        using var reader = TickLogReader.Open(path);
        Assert.Equal(ticks[..900], reader.ReadAllTicks());
        var damage = Assert.Single(reader.Damage);
        Assert.Equal(TickLogDamageKind.TruncatedBlock, damage.Kind);
        Assert.Equal(block9, damage.Offset);
    }

    [Fact]
    public void TailCutInsideBlockHeader_IsReported()
    {
        var ticks = SyntheticTicks.Make(300);
        string path = _dir.File("torn-header.mflog");
        SyntheticTicks.Write(path, ticks, blockTicks: 100);
        SyntheticTicks.StripFooter(path);
        long block2;
        using (var r = TickLogReader.Open(path))
        {
            block2 = r.Blocks[2].Offset;
        }

        using (var fs = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            fs.SetLength(block2 + 10);
        }

        using var reader = TickLogReader.Open(path);
        Assert.Equal(ticks[..200], reader.ReadAllTicks());
        var damage = Assert.Single(reader.Damage);
        Assert.Equal(block2, damage.Offset);
        Assert.Equal(10, damage.Length);
    }

    [Fact]
    public void GarbageAppendedAfterLastBlock_IsReportedAndIgnored()
    {
        var ticks = SyntheticTicks.Make(500);
        string path = _dir.File("garbage.mflog");
        SyntheticTicks.Write(path, ticks, blockTicks: 100);
        long end = SyntheticTicks.StripFooter(path);
        using (var fs = new FileStream(path, FileMode.Append, FileAccess.Write))
        {
            fs.Write(new byte[] { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45 });
        }

        using var reader = TickLogReader.Open(path);
        Assert.Equal(ticks, reader.ReadAllTicks());
        var damage = Assert.Single(reader.Damage);
        Assert.Equal(TickLogDamageKind.CorruptRegion, damage.Kind);
        Assert.Equal(end, damage.Offset);
    }

    [Fact]
    public void CorruptPayloadInTheMiddle_SkipsOnlyThatBlock_AndReportsChecksum()
    {
        var ticks = SyntheticTicks.Make(500);
        string path = _dir.File("flip.mflog");
        SyntheticTicks.Write(path, ticks, blockTicks: 100);
        TickLogBlockInfo block2;
        using (var r = TickLogReader.Open(path))
        {
            block2 = r.Blocks[2];
        }

        FlipByte(path, block2.Offset + TickLogFormat.BlockHeaderSize + 17);

        using var reader = TickLogReader.Open(path);
        Assert.True(reader.HasFooterIndex);
        var back = reader.ReadAllTicks();
        Assert.Equal([.. ticks[..200], .. ticks[300..]], back);
        var damage = Assert.Single(reader.Damage);
        Assert.Equal(TickLogDamageKind.ChecksumMismatch, damage.Kind);
        Assert.Equal(block2.Offset, damage.Offset);
    }

    [Fact]
    public void CorruptBlockHeaderInTheMiddle_WithoutIndex_ResynchronisesAtNextBlock()
    {
        var ticks = SyntheticTicks.Make(500);
        string path = _dir.File("hdr.mflog");
        SyntheticTicks.Write(path, ticks, blockTicks: 100);
        SyntheticTicks.StripFooter(path);
        TickLogBlockInfo block1;
        TickLogBlockInfo block2;
        using (var r = TickLogReader.Open(path))
        {
            block1 = r.Blocks[1];
            block2 = r.Blocks[2];
        }

        // Garble the length field of block 1's header: its extent is unknown, so the scanner must resync.
        FlipByte(path, block1.Offset + 9);

        using var reader = TickLogReader.Open(path);
        Assert.Equal(4, reader.Blocks.Count);
        Assert.Equal([.. ticks[..100], .. ticks[200..]], reader.ReadAllTicks());
        var damage = Assert.Single(reader.Damage);
        Assert.Equal(TickLogDamageKind.CorruptRegion, damage.Kind);
        Assert.Equal(block1.Offset, damage.Offset);
        Assert.Equal(block2.Offset - block1.Offset, damage.Length);
    }

    [Fact]
    public void TornFooter_FallsBackToScan_AndReportsIndex()
    {
        var ticks = SyntheticTicks.Make(300);
        string path = _dir.File("footer.mflog");
        SyntheticTicks.Write(path, ticks, blockTicks: 100);
        long length = new FileInfo(path).Length;
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            fs.SetLength(length - 5);
        }

        using var reader = TickLogReader.Open(path);
        Assert.False(reader.HasFooterIndex);
        Assert.Equal(ticks, reader.ReadAllTicks());
        Assert.Equal(TickLogDamageKind.IndexRebuilt, Assert.Single(reader.Damage).Kind);
    }

    [Fact]
    public void Open_NotATickLog_Throws()
    {
        string path = _dir.File("x.mflog");
        File.WriteAllText(path, "hello, this is not a tick log at all");
        Assert.Throws<InvalidDataException>(() => TickLogReader.Open(path).Dispose());
    }

    [Fact]
    public void Append_DoesNotAllocatePerTick()
    {
        var ticks = SyntheticTicks.Make(5000);
        using var writer = TickLogWriter.Create(_dir.File("alloc.mflog"), SyntheticTicks.Symbols, new TickLogWriterOptions { BlockTicks = 8192 });
        writer.Append(ticks.AsSpan(0, 10));
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 10; i < ticks.Length; i++)
        {
            writer.Append(in ticks[i]);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Append_SymbolOutsideTable_Throws()
    {
        using var writer = TickLogWriter.Create(_dir.File("bad.mflog"), SyntheticTicks.Symbols);
        var t = Tick.NewQuote(3, 1, 1, 1, 1, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Append(in t));
    }

    [Fact]
    public void Inspect_ReportsTotalsPerSymbol_AndCorruptBlocks()
    {
        var ticks = SyntheticTicks.Make(600);
        string path = _dir.File("inspect.mflog");
        SyntheticTicks.Write(path, ticks, blockTicks: 100);
        TickLogBlockInfo block3;
        using (var r = TickLogReader.Open(path))
        {
            block3 = r.Blocks[3];
        }

        FlipByte(path, block3.Offset + TickLogFormat.BlockHeaderSize + 3);

        var summary = TickLogInspector.Inspect(path);
        var expected = ticks[..300].Concat(ticks[400..]).ToArray();
        Assert.Equal(expected.Length, summary.Ticks);
        Assert.Equal(6, summary.Blocks);
        Assert.Equal(1, summary.CorruptBlocks);
        Assert.False(summary.IsIntact);
        for (int s = 0; s < SyntheticTicks.Symbols.Length; s++)
        {
            var mine = expected.Where(t => t.SymbolId == s).ToArray();
            Assert.Equal(mine.Length, summary.Symbols[s].Ticks);
            Assert.Equal(mine.Count(t => t.Kind == TickKind.Trade), summary.Symbols[s].Trades);
            Assert.Equal(mine.Where(t => t.Kind == TickKind.Trade).Sum(t => t.Size), summary.Symbols[s].Volume);
            Assert.Equal(1, summary.Symbols[s].SequenceGaps);
        }

        Assert.Contains("DAMAGE ChecksumMismatch", summary.ToString(), StringComparison.Ordinal);
    }

    private static void FlipByte(string path, long offset)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        fs.Position = offset;
        int b = fs.ReadByte();
        fs.Position = offset;
        fs.WriteByte((byte)(b ^ 0x5a));
    }
}
