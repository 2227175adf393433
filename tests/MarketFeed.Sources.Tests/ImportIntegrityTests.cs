using MarketFeed.Core;
using MarketFeed.Sources.Import;
using MarketFeed.Sources.Replay;
using MarketFeed.Sources.TickLog;
using MarketFeed.Testing;

namespace MarketFeed.Sources.Tests;

/// <summary>Imports that would lose or invent data are refused, never silently written (issue #10).</summary>
public sealed class ImportIntegrityTests : IDisposable
{
    private static readonly string IbmTrades = Path.Combine(TestPaths.SharedData, "lean-algoseek", "ibm", "20131007_trade.zip");
    private static readonly string IbmQuotes = Path.Combine(TestPaths.SharedData, "lean-algoseek", "ibm", "20131007_quote.zip");
    private static readonly GenericCsvMapping Mapping = GenericCsvMapping.FromJson("""
        { "time": "0", "timeFormat": "ms", "symbol": "1", "price": "2", "size": "3", "priceDecimals": 2, "sizeDecimals": 0, "hasHeader": false }
        """);

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Reimport_WhileACursorReads_CursorKeepsTheVersionItOpened()
    {
        string output = _dir.File("ibm.mflog");
        Importer.ImportLean([IbmTrades, IbmQuotes], output, new LeanImportOptions { BlockTicks = 4096 });
        List<Tick> expected;
        using (var reader = TickLogReader.Open(output))
        {
            expected = reader.ReadAllTicks();
        }

        using var cursor = ReplayCursor.Open(output);
        var got = new List<Tick>();
        for (int i = 0; i < 10 && cursor.TryGetNext(out Tick t); i++)
        {
            got.Add(t);
        }

        // A different (smaller) dataset replaces the file while the cursor is in its first block.
        Importer.ImportLean([IbmTrades], output, new LeanImportOptions { BlockTicks = 4096, Force = true });
        while (cursor.TryGetNext(out Tick t))
        {
            got.Add(t);
        }

        Assert.False(cursor.StoppedAtDamage);
        Assert.Empty(cursor.DamageMet);
        Assert.Equal(expected.Count, got.Count);
        Assert.Equal(expected, got);
        using var replaced = TickLogReader.Open(output);
        Assert.True(replaced.TickCount < expected.Count);
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.tmp", SearchOption.AllDirectories).Concat(Directory.GetFiles(_dir.Path, ".*")));
    }

    [Fact]
    public void FileRewrittenInPlace_UnderACursor_CursorStopsAtDamage()
    {
        // What the old importer did (truncate and rewrite the same file): the cursor must not end as if complete.
        var ticks = SyntheticTicks.Make(3000);
        string path = _dir.File("inplace.mflog");
        SyntheticTicks.Write(path, ticks, blockTicks: 100);
        using var cursor = ReplayCursor.Open(path);
        Assert.True(cursor.TryGetNext(out _));
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            fs.SetLength(fs.Length / 3);
        }

        long n = 1;
        while (cursor.TryGetNext(out _))
        {
            n++;
        }

        Assert.True(n < ticks.Length);
        Assert.True(cursor.StoppedAtDamage);
        Assert.Equal(TickLogDamageKind.TruncatedBlock, cursor.DamageMet[0].Kind);
    }

    [Fact]
    public void SameFileTwice_IsRefused_UnlessAllowed()
    {
        string output = _dir.File("twice.mflog");
        var ex = Assert.Throws<ImportException>(() => Importer.ImportLean([IbmTrades, IbmTrades], output));
        Assert.Contains("twice", ex.Message);
        Assert.Contains("--allow-duplicate-inputs", ex.Message);
        Assert.False(File.Exists(output));

        var result = Importer.ImportLean([IbmTrades, IbmTrades], output, new LeanImportOptions { AllowDuplicateInputs = true });
        var single = Importer.ImportLean([IbmTrades], _dir.File("once.mflog"));
        Assert.Equal(2 * single.TicksWritten, result.TicksWritten);
    }

    [Fact]
    public void SameContentUnderAnotherName_IsRefused()
    {
        string copyDir = Path.Combine(_dir.Path, "copy");
        Directory.CreateDirectory(copyDir);
        string copy = Path.Combine(copyDir, "20131007_trade.zip");
        File.Copy(IbmTrades, copy);
        string output = _dir.File("dup.mflog");
        var ex = Assert.Throws<ImportException>(() => Importer.ImportLean([IbmTrades, IbmQuotes, copy], output));
        Assert.Contains("same content", ex.Message);
        Assert.Contains(copy, ex.Message);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void BadRowsAboveThreshold_NothingWritten_CountsReported()
    {
        string csv = _dir.File("half-bad.csv");
        File.WriteAllLines(csv, ["1000,AAA,1.00,5", "1001,AAA,oops,5", "1002,AAA,1.02,5", "xx,AAA,1.03,5"]);
        string output = _dir.File("half-bad.mflog");
        var ex = Assert.Throws<ImportException>(() => Importer.ImportGenericCsv([csv], Mapping, output));
        Assert.NotNull(ex.Result);
        Assert.Equal(4, ex.Result.RowsRead);
        Assert.Equal(2, ex.Result.BadRows);
        Assert.Contains("2 of 4 rows are bad", ex.Message);
        Assert.False(File.Exists(output));

        var accepted = Importer.ImportGenericCsv([csv], Mapping, output, new ImportOptions { MaxBadRowFraction = 0.5 });
        Assert.Equal(2, accepted.TicksWritten);
        Assert.True(File.Exists(output));
    }

    [Fact]
    public void EveryRowBad_IsRefused_EvenWithAnyShareAllowed()
    {
        string csv = _dir.File("all-bad.csv");
        File.WriteAllLines(csv, ["a,AAA,1.00,5", "b,AAA,1.01,5"]);
        string output = _dir.File("all-bad.mflog");
        var ex = Assert.Throws<ImportException>(() => Importer.ImportGenericCsv([csv], Mapping, output, new ImportOptions { MaxBadRowFraction = 1 }));
        Assert.Contains("no tick imported", ex.Message);
        Assert.Equal(2, ex.Result!.BadRows);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void SmallerImport_DoesNotReplaceABiggerDataset_WithoutForce()
    {
        string output = _dir.File("ibm.mflog");
        var full = Importer.ImportLean([IbmTrades, IbmQuotes], output);
        var ex = Assert.Throws<ImportException>(() => Importer.ImportLean([IbmTrades], output));
        Assert.Contains("--force", ex.Message);
        using (var reader = TickLogReader.Open(output))
        {
            Assert.Equal(full.TicksWritten, reader.TickCount);
        }

        var forced = Importer.ImportLean([IbmTrades], output, new LeanImportOptions { Force = true });
        using var after = TickLogReader.Open(output);
        Assert.Equal(forced.TicksWritten, after.TickCount);
    }
}
