using System.IO.Compression;
using MarketFeed.Sources.TickLog;
using MarketFeed.Testing;

namespace MarketFeed.Cli.Tests;

public sealed class ImportInspectTests : IDisposable
{
    private static readonly string IbmTrades = Path.Combine(TestPaths.SharedData, "lean-algoseek", "ibm", "20131007_trade.zip");
    private static readonly string IbmQuotes = Path.Combine(TestPaths.SharedData, "lean-algoseek", "ibm", "20131007_quote.zip");
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ImportIbmLean_ThenInspect_CountsAndVolumeMatchThePlainCsv()
    {
        var tradeRows = ReadZipLines(IbmTrades);
        var quoteRows = ReadZipLines(IbmQuotes);
        long volume = tradeRows.Sum(l => long.Parse(l.Split(',')[2]));
        string output = _dir.File("data/ibm-20131007.mflog");

        var import = await CliRunner.RunAsync("import", "--format", "lean", "--output", output, IbmTrades, IbmQuotes);

        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.Contains($"{tradeRows.Count + quoteRows.Count:N0}", import.Stdout);
        Assert.Contains($"{tradeRows.Count:N0} trades, {quoteRows.Count:N0} quotes", import.Stdout);
        Assert.Contains("2013-10-07T", import.Stdout);

        var inspect = await CliRunner.RunAsync("inspect", output);

        Assert.True(inspect.ExitCode == 0, inspect.ToString());
        Assert.Contains("intact", inspect.Stdout);
        Assert.Contains("1 suspicious", inspect.Stdout); // the vendor-flagged IBM quote is counted, in inspect and the import summary
        Assert.Contains("1 tick(s) flagged suspicious", import.Stdout);
        string ibmRow = inspect.Stdout.Split('\n').Single(l => l.TrimStart().StartsWith("IBM ", StringComparison.Ordinal));
        var cells = ibmRow.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"{tradeRows.Count + quoteRows.Count:N0}", cells[1]);
        Assert.Equal($"{quoteRows.Count:N0}", cells[2]);
        Assert.Equal($"{tradeRows.Count:N0}", cells[3]);
        Assert.Equal(volume.ToString(), cells[4]);

        // The file itself agrees.
        var summary = TickLogInspector.Inspect(output);
        var ibm = Assert.Single(summary.Symbols);
        Assert.Equal((tradeRows.Count, quoteRows.Count, volume), (ibm.Trades, ibm.Quotes, ibm.Volume));
    }

    [Fact]
    public async Task ImportCsv_AbortOnBadRow_FailsWithFileAndLine()
    {
        var (csv, mapping) = WriteCsvWithBadRow();
        string output = _dir.File("bad.mflog");

        var result = await CliRunner.RunAsync("import", "--format", "csv", "--mapping", mapping, "--on-bad-row", "abort", "-o", output, csv);

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("rows.csv:4", result.Stderr);
        Assert.Contains("aborted", result.Stderr);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task ImportCsv_BadRowsAboveTheLimit_ExitFour_CountsPrinted_NothingWritten()
    {
        var (csv, mapping) = WriteCsvWithBadRow();
        string output = _dir.File("refused.mflog");

        var result = await CliRunner.RunAsync("import", "--format", "csv", "--mapping", mapping, "-o", output, csv);

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("1 of 4 rows are bad", result.Stderr);
        Assert.Contains("not written", result.Stdout);
        Assert.Contains("rows.csv:4", result.Stdout);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Import_SameInputTwice_ExitFour_UnlessAllowed()
    {
        string output = _dir.File("twice.mflog");

        var refused = await CliRunner.RunAsync("import", "--format", "lean", "-o", output, IbmTrades, IbmTrades);
        Assert.Equal(4, refused.ExitCode);
        Assert.Contains("--allow-duplicate-inputs", refused.Stderr);
        Assert.False(File.Exists(output));

        var allowed = await CliRunner.RunAsync("import", "--format", "lean", "--allow-duplicate-inputs", "-o", output, IbmTrades, IbmTrades);
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
    }

    [Fact]
    public async Task Import_SmallerOverBigger_ExitFour_KeepsTheDataset_ForceReplaces()
    {
        string output = _dir.File("ibm.mflog");
        Assert.Equal(0, (await CliRunner.RunAsync("import", "--format", "lean", "-o", output, IbmTrades, IbmQuotes)).ExitCode);
        long before = TickLogInspector.Inspect(output).Ticks;

        var refused = await CliRunner.RunAsync("import", "--format", "lean", "-o", output, IbmTrades);
        Assert.Equal(4, refused.ExitCode);
        Assert.Contains("--force", refused.Stderr);
        Assert.Equal(before, TickLogInspector.Inspect(output).Ticks);

        var forced = await CliRunner.RunAsync("import", "--format", "lean", "--force", "-o", output, IbmTrades);
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.True(TickLogInspector.Inspect(output).Ticks < before);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("150%")]
    [InlineData("-1")]
    public async Task Import_BadMaxBadRows_IsAUsageError(string value)
    {
        var (csv, mapping) = WriteCsvWithBadRow();
        var result = await CliRunner.RunAsync("import", "--format", "csv", "--mapping", mapping, "--max-bad-rows", value, "-o", _dir.File("x.mflog"), csv);
        Assert.Equal(64, result.ExitCode);
        Assert.Contains("--max-bad-rows", result.Stderr);
    }

    [Fact]
    public async Task ImportCsv_SkipBadRows_ListsThemAndWritesTheRest()
    {
        var (csv, mapping) = WriteCsvWithBadRow();
        string output = _dir.File("ok.mflog");

        var result = await CliRunner.RunAsync("import", "--format", "csv", "--mapping", mapping, "--max-bad-rows", "30%", "-o", output, csv);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("1 skipped", result.Stdout);
        Assert.Contains("rows.csv:4", result.Stdout);
        var summary = TickLogInspector.Inspect(output);
        Assert.Equal(3, summary.Ticks);
        Assert.Equal("XYZ", Assert.Single(summary.Symbols).Symbol.Name);
    }

    [Fact]
    public async Task ImportCsv_WithoutMapping_IsAUsageError()
    {
        var (csv, _) = WriteCsvWithBadRow();
        var result = await CliRunner.RunAsync("import", "--format", "csv", "-o", _dir.File("x.mflog"), csv);
        Assert.Equal(64, result.ExitCode);
        Assert.Contains("--mapping", result.Stderr);
    }

    [Fact]
    public async Task Inspect_LogWithoutFooter_BlocksIntact_IsUnclosed_Exit3()
    {
        // What a kill -9 right after a flush leaves: every block complete, no footer index.
        string output = _dir.File("killed.mflog");
        Assert.Equal(0, (await CliRunner.RunAsync("import", "--format", "lean", "--block-ticks", "1000", "-o", output, IbmTrades)).ExitCode);
        long end;
        using (var reader = TickLogReader.Open(output))
        {
            end = reader.Blocks[^1].End;
        }

        using (var stream = new FileStream(output, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(end);
        }

        var result = await CliRunner.RunAsync("inspect", output);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("UNCLOSED", result.Stdout);
        Assert.DoesNotContain("DAMAGE ", result.Stdout);
        Assert.Contains("rebuilt by scan", result.Stdout);
    }

    [Fact]
    public async Task Inspect_TruncatedLog_Exit3AndDamageReported()
    {
        string output = _dir.File("trunc.mflog");
        var import = await CliRunner.RunAsync("import", "--format", "lean", "--block-ticks", "1000", "-o", output, IbmTrades);
        Assert.True(import.ExitCode == 0, import.ToString());
        var intact = TickLogInspector.Inspect(output);
        var blocks = intact.Blocks;

        // Cut the file in the middle of the 10th block: footer gone, last block torn.
        long cut;
        using (var reader = TickLogReader.Open(output))
        {
            cut = reader.Blocks[9].Offset + 100;
        }

        using (var stream = new FileStream(output, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(cut);
        }

        var result = await CliRunner.RunAsync("inspect", output);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("DAMAGED", result.Stdout);
        Assert.Contains("DAMAGE TruncatedBlock at offset " + (cut - 100), result.Stdout);
        Assert.Contains("rebuilt by scan", result.Stdout);
        Assert.Contains("9,000", result.Stdout); // the nine complete blocks are read back
        Assert.True(blocks > 10);
    }

    [Fact]
    public async Task Inspect_MissingFile_Exit4()
    {
        var result = await CliRunner.RunAsync("inspect", _dir.File("nope.mflog"));
        Assert.Equal(4, result.ExitCode);
        Assert.Contains("not found", result.Stderr);
    }

    private (string Csv, string Mapping) WriteCsvWithBadRow()
    {
        string csv = _dir.File("rows.csv");
        File.WriteAllText(csv, "when;px;qty\n2024-01-02 10:00:00.000;10.5;3\n2024-01-02 10:00:01.000;10.6;4\n2024-01-02 10:00:02.000;not-a-price;5\n2024-01-02 10:00:03.000;10.7;6\n");
        string mapping = _dir.File("rows.mapping.json");
        File.WriteAllText(mapping, """{"delimiter":";","time":"when","timeFormat":"yyyy-MM-dd HH:mm:ss.fff","defaultSymbol":"XYZ","price":"px","size":"qty","priceDecimals":2}""");
        return (csv, mapping);
    }

    private static List<string> ReadZipLines(string zip)
    {
        using var archive = ZipFile.OpenRead(zip);
        using var reader = new StreamReader(archive.Entries[0].Open());
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                lines.Add(line);
            }
        }

        return lines;
    }
}
