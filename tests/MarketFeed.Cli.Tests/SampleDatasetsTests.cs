using MarketFeed.Sources.Datasets;
using MarketFeed.Sources.Import;
using MarketFeed.Sources.TickLog;
using MarketFeed.Testing;

namespace MarketFeed.Cli.Tests;

public sealed class SampleDatasetsTests : IDisposable
{
    private static readonly string ConfigDatasets = Path.Combine(TestPaths.Config, "datasets");
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void EnsureImported_ImportsTheShippedSample_ThenIsANoOp()
    {
        string data = _dir.File("data");

        var first = SampleDatasets.EnsureImported(ConfigDatasets, data);

        string log = Path.Combine(data, "sample-equities.mflog");
        Assert.Equal([log], first);
        var summary = TickLogInspector.Inspect(log);
        Assert.True(summary.IsIntact);
        Assert.InRange(summary.Ticks, 19_000, 21_000);
        Assert.Equal(5, summary.Symbols.Count);
        Assert.InRange(summary.LastTimestamp - summary.FirstTimestamp, 8L * 60 * 1_000_000_000, 11L * 60 * 1_000_000_000);
        Assert.Empty(Directory.GetFiles(data, "*.tmp"));
        DateTime built = File.GetLastWriteTimeUtc(log);

        var second = SampleDatasets.EnsureImported(ConfigDatasets, data);

        Assert.Empty(second);
        Assert.Equal(built, File.GetLastWriteTimeUtc(log));
    }

    [Fact]
    public void EnsureImported_ReimportsWhenTheCsvIsNewer()
    {
        string config = _dir.File("config");
        string data = _dir.File("data");
        Directory.CreateDirectory(config);
        string csv = Path.Combine(config, "tiny.csv");
        File.WriteAllText(csv, "time,symbol,kind,price,size,side,bid,bid_size,ask,ask_size\n2024-06-03 09:30:00.001,AAPL,T,228.5,100,B,,,,\n");
        File.WriteAllText(SampleDatasets.MappingPathFor(csv), SampleDataGenerator.CreateMapping().ToJson());

        Assert.Single(SampleDatasets.EnsureImported(config, data));
        string log = Path.Combine(data, "tiny.mflog");
        Assert.Equal(1, TickLogInspector.Inspect(log).Ticks);

        File.AppendAllText(csv, "2024-06-03 09:30:00.002,AAPL,Q,,,,228.49,100,228.51,200\n");
        File.SetLastWriteTimeUtc(csv, File.GetLastWriteTimeUtc(log).AddSeconds(5));

        Assert.Single(SampleDatasets.EnsureImported(config, data));
        Assert.Equal(2, TickLogInspector.Inspect(log).Ticks);
        Assert.Empty(SampleDatasets.EnsureImported(config, data));
    }

    [Fact]
    public void EnsureImported_CsvWithoutMapping_Throws_MissingFolder_DoesNothing()
    {
        string config = _dir.File("config");
        Directory.CreateDirectory(config);
        File.WriteAllText(Path.Combine(config, "orphan.csv"), "a,b\n");
        Assert.Throws<ImportException>(() => SampleDatasets.EnsureImported(config, _dir.File("data")));
        Assert.Empty(SampleDatasets.EnsureImported(_dir.File("no-such-folder"), _dir.File("data")));
    }

    [Fact]
    public async Task GenerateSample_IsDeterministic_AndReproducesTheCommittedFile()
    {
        string csv = _dir.File("sample-equities.csv");

        var result = await CliRunner.RunAsync("generate-sample", "--universe", Path.Combine(TestPaths.Config, "symbols.csv"), "--output", csv);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(File.ReadAllBytes(Path.Combine(ConfigDatasets, "sample-equities.csv")), File.ReadAllBytes(csv));
        Assert.Equal(File.ReadAllText(Path.Combine(ConfigDatasets, "sample-equities.mapping.json")), File.ReadAllText(SampleDatasets.MappingPathFor(csv)));
        Assert.InRange(new FileInfo(csv).Length, 100_000, 1_500_000);
    }
}
