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

        var entries = new DatasetCatalog(_dir.Path).List().Select(d => d.ToCatalogEntry()).ToList();
        Assert.Equal(
            [("a-clean", "intact", 300L), ("b-unclosed", "unclosed", 300L), ("c-torn", "damaged", 200L), ("d-flipped", "damaged", 200L)],
            entries.Select(e => (e.Dataset, e.State, e.Readable)));
        Assert.Null(entries[0].Damage);
        Assert.Contains("TruncatedBlock", entries[2].Damage);
        Assert.Contains("ChecksumMismatch", entries[3].Damage);
        Assert.Equal(300, entries[3].TickCount);
    }
}
