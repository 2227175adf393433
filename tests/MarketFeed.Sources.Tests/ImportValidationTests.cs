using System.IO.Compression;
using System.Text;
using MarketFeed.Core;
using MarketFeed.Sources.Import;
using MarketFeed.Testing;

namespace MarketFeed.Sources.Tests;

/// <summary>Damaged archives and out-of-range fields are errors or bad rows, never ticks (issue #10).</summary>
public sealed class ImportValidationTests : IDisposable
{
    private static readonly string IbmTrades = Path.Combine(TestPaths.SharedData, "lean-algoseek", "ibm", "20131007_trade.zip");
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void StoredZip_OneFlippedDigit_CrcMismatch_NamesTheInput_NothingWritten()
    {
        // Stored (not deflated): a flipped byte inflates "fine", only the CRC can tell.
        string zip = _dir.File("20131007_trade.zip");
        string csv = string.Join('\n', ZipLines(IbmTrades).Take(2000)) + "\n";
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            var entry = archive.CreateEntry("20131007_ibm_Trade_Tick.csv", CompressionLevel.NoCompression);
            using var stream = entry.Open();
            stream.Write(Encoding.ASCII.GetBytes(csv));
        }

        byte[] bytes = File.ReadAllBytes(zip);
        int at = IndexOf(bytes, Encoding.ASCII.GetBytes(csv[..40])) + 20000;
        Assert.InRange(bytes[at], (byte)'0', (byte)'9');
        bytes[at] = bytes[at] == (byte)'9' ? (byte)'8' : (byte)(bytes[at] + 1);
        File.WriteAllBytes(zip, bytes);

        string output = _dir.File("flipped.mflog");
        var ex = Assert.Throws<ImportException>(() => Importer.ImportLean([zip], output));
        Assert.Contains(zip, ex.Message);
        Assert.Contains("CRC-32", ex.Message);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void DeflatedZip_FlippedBytes_AreNeverImportedSilently()
    {
        byte[] original = File.ReadAllBytes(IbmTrades);
        for (int i = 0; i < 8; i++)
        {
            string zip = Path.Combine(_dir.Path, $"flip{i}", "20131007_trade.zip");
            Directory.CreateDirectory(Path.GetDirectoryName(zip)!);
            byte[] bytes = (byte[])original.Clone();
            int at = 1000 + (i * 13_001);
            bytes[at] ^= (byte)(1 << (i % 8));
            File.WriteAllBytes(zip, bytes);
            var ex = Assert.Throws<ImportException>(() => Importer.ImportLean([zip], Path.Combine(_dir.Path, $"flip{i}.mflog")));
            Assert.Contains(zip, ex.Message);
        }
    }

    [Fact]
    public void TruncatedZip_ErrorNamesTheInput()
    {
        string zip = _dir.File("20131007_trade.zip");
        byte[] bytes = File.ReadAllBytes(IbmTrades);
        File.WriteAllBytes(zip, bytes[..(bytes.Length / 2)]);
        var ex = Assert.Throws<ImportException>(() => Importer.ImportLean([zip], _dir.File("t.mflog")));
        Assert.Contains(zip, ex.Message);
        Assert.Contains("damaged or truncated archive", ex.Message);
    }

    [Fact]
    public void LeanTrades_OutOfRangeFields_AreBadRows_WithTheValueShown()
    {
        string csv = _dir.File("20131007_xyz_Trade_Tick.csv");
        File.WriteAllLines(csv,
        [
            "34200000,1815200,100,P,0,0",
            "9000000000000,1815200,100,P,0,0", // ms overflowing ns: once a date in 2232
            "86400000,1815200,100,P,0,0",      // not within the day
            "34200001,0,100,P,0,0",
            "34200002,1815200,0,P,0,0",
            "34200003,1815200,-5,P,0,0",
            "34200004,9999999999999,100,P,0,0",
            "34200005,1815200,100,P,0,7",
            "34200006,1815300,50,P,0,1",
        ]);
        var imported = LeanAlgoSeekImporter.Read([csv]);
        Assert.Equal(2, imported.Ticks.Count);
        Assert.Equal(7, imported.BadRows);
        var reasons = imported.Errors.Select(e => e.Reason).ToList();
        Assert.Contains("9000000000000", reasons[0]);
        Assert.Contains("86400000", reasons[1]);
        Assert.Contains("Price 0", reasons[2]);
        Assert.Contains("Quantity 0", reasons[3]);
        Assert.Contains("Quantity -5", reasons[4]);
        Assert.Contains("Price 9999999999999", reasons[5]);
        Assert.Contains("Suspicious 7", reasons[6]);
        foreach (ref readonly Tick t in imported.Ticks.Span)
        {
            Assert.InRange(t.Timestamp, ImportLimits.MinTimestamp, ImportLimits.MaxTimestamp - 1);
        }
    }

    [Fact]
    public void LeanQuotes_HalfSidesAndNegativeValues_AreBadRows()
    {
        string csv = _dir.File("20131007_xyz_Quote_Tick.csv");
        File.WriteAllLines(csv,
        [
            "34200000,1815200,100,1815300,200,P,1,0",
            "34200001,1815100,0,0,0,P,1,0",        // bid price without size
            "34200002,0,0,0,300,P,1,0",            // ask size without price
            "34200003,0,0,0,0,P,1,0",              // no side at all
            "34200004,-1815200,100,0,0,P,1,0",
            "34200005,1815250,150,0,0,P,1,0",
        ]);
        var imported = LeanAlgoSeekImporter.Read([csv]);
        Assert.Equal(2, imported.Ticks.Count);
        Assert.Equal(4, imported.BadRows);
        Assert.Contains("BidSize 0 is outside", imported.Errors[0].Reason);
        Assert.Contains("AskPrice 0 is outside", imported.Errors[1].Reason);
        Assert.Contains("neither side", imported.Errors[2].Reason);
        Assert.Contains("BidPrice -1815200", imported.Errors[3].Reason);
        var last = imported.Ticks.Span[1];
        Assert.Equal((1815250L, 150L, 1815300L, 200L), (last.BidPrice, last.BidSize, last.AskPrice, last.AskSize));
    }

    [Fact]
    public void GenericCsv_TimeOverflowAndBadQuoteValues_AreBadRows_BookUntouched()
    {
        string csv = _dir.File("q.csv");
        File.WriteAllLines(csv,
        [
            "t,s,bid,bsz,ask,asz",
            "1000,A,1.00,5,1.01,6",
            "99999999999999999,A,1.00,5,1.01,6",  // ms -> ns overflows
            "1002,A,1.02,7,oops,8",               // the good bid must not reach the book
            "1003,A,,,1.03,9",
        ]);
        var mapping = new GenericCsvMapping { Time = "t", Symbol = "s", Bid = "bid", BidSize = "bsz", Ask = "ask", AskSize = "asz", TimeFormat = "ms", PriceDecimals = 2 };
        var imported = GenericCsvImporter.Read([csv], mapping);
        Assert.Equal(2, imported.BadRows);
        Assert.Contains("99999999999999999", imported.Errors[0].Reason);
        Assert.Contains("ask 'oops'", imported.Errors[1].Reason);
        var last = imported.Ticks.Span[1];
        Assert.Equal((100L, 5L, 103L, 9L), (last.BidPrice, last.BidSize, last.AskPrice, last.AskSize));
    }

    [Fact]
    public void GenericCsv_FxQuotesWithoutSizes_AreFlaggedSizeUnknown_WithSizes_AreNot()
    {
        string fx = _dir.File("eurusd.csv");
        File.WriteAllLines(fx, ["EUR/USD,20131007 13:30:00.123,1.35512,1.35515", "EUR/USD,20131007 13:30:00.456,1.35513,1.35516"]);
        var noSizes = new GenericCsvMapping { HasHeader = false, Symbol = "0", Time = "1", TimeFormat = "yyyyMMdd HH:mm:ss.fff", Bid = "2", Ask = "3", PriceDecimals = 5 };
        var imported = GenericCsvImporter.Read([fx], noSizes);
        Assert.Equal(2, imported.Ticks.Count);
        foreach (ref readonly Tick t in imported.Ticks.Span)
        {
            Assert.Equal(TickFlags.SizeUnknown, t.Flags);
            Assert.Equal((0L, 0L), (t.BidSize, t.AskSize));
        }

        string sized = _dir.File("sized.csv");
        File.WriteAllLines(sized, ["EUR/USD,1381152600123,1.35512,1000000,1.35515,2000000"]);
        var withSizes = new GenericCsvMapping { HasHeader = false, Symbol = "0", Time = "1", TimeFormat = "ms", Bid = "2", BidSize = "3", Ask = "4", AskSize = "5", PriceDecimals = 5 };
        Assert.Equal(TickFlags.None, GenericCsvImporter.Read([sized], withSizes).Ticks.Span[0].Flags);
    }

    [Fact]
    public void HasHeader_OnAFileWithoutOne_IsRefused_NotAFirstRowSilentlyDropped()
    {
        string csv = _dir.File("noheader.csv");
        File.WriteAllLines(csv, ["1000,AAA,1.00,5", "1001,AAA,1.01,5"]);
        var mapping = new GenericCsvMapping { Time = "0", Symbol = "1", Price = "2", Size = "3", TimeFormat = "ms", PriceDecimals = 2 }; // HasHeader defaults to true
        var ex = Assert.Throws<ImportException>(() => GenericCsvImporter.Read([csv], mapping));
        Assert.Contains(csv + ":1", ex.Message);
        Assert.Contains("looks like data", ex.Message);
        Assert.Contains("\"hasHeader\": false", ex.Message);

        File.WriteAllLines(csv, ["t,s,p,q", "1000,AAA,1.00,5"]);
        Assert.Equal(1, GenericCsvImporter.Read([csv], mapping).Ticks.Count); // a real header is still fine
    }

    [Fact]
    public void SwappedBidAsk_CrossedQuotesAboveTheLimit_Warn()
    {
        string csv = _dir.File("swapped.csv");
        var lines = new List<string> { "t,s,bid,ask" };
        for (int i = 0; i < 100; i++)
        {
            lines.Add($"{1000 + i},AAA,1.0{i % 5 + 5},1.0{i % 5}"); // the ask column holds the bid: crossed
        }

        File.WriteAllLines(csv, lines);
        var swapped = new GenericCsvMapping { Time = "t", Symbol = "s", Bid = "bid", Ask = "ask", TimeFormat = "ms", PriceDecimals = 2 };
        var result = Importer.ImportGenericCsv([csv], swapped, _dir.File("swapped.mflog"));
        Assert.Equal(100, result.CrossedQuotes);
        Assert.Contains(result.Warnings, w => w.Contains("100 of 100 quotes are crossed", StringComparison.Ordinal) && w.Contains("swapped", StringComparison.Ordinal));
        Assert.Contains("warning: 100 of 100 quotes are crossed", result.Summary());

        var right = new GenericCsvMapping { Time = "t", Symbol = "s", Bid = "ask", Ask = "bid", TimeFormat = "ms", PriceDecimals = 2 };
        var fine = Importer.ImportGenericCsv([csv], right, _dir.File("fine.mflog"));
        Assert.Equal(0, fine.CrossedQuotes);
        Assert.Empty(fine.Warnings);
    }

    private static IEnumerable<string> ZipLines(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        using var reader = new StreamReader(zip.Entries[0].Open());
        while (reader.ReadLine() is { } line)
        {
            yield return line;
        }
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}
