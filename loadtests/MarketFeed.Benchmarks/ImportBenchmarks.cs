using System.Globalization;
using BenchmarkDotNet.Attributes;
using MarketFeed.Sources.Import;

namespace MarketFeed.Benchmarks;

/// <summary>
/// Importer throughput on the real files in ../shared/data. Each benchmark sets
/// OperationsPerInvoke to the number of CSV rows, so the reported mean is time per row
/// (rows/s = 1e9 / mean in ns). Run: <c>dotnet run -c Release --project loadtests/MarketFeed.Benchmarks -- --filter *ImportBenchmarks* --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class ImportBenchmarks
{
    private const int IbmRows = 24_293 + 109_067;
    private const int TardisRows = 9_999 + 9_999;
    private const int GenericRows = 200_000;

    private string[] _lean = [];
    private string[] _tardis = [];
    private string _generic = string.Empty;
    private string _output = string.Empty;
    private GenericCsvMapping _mapping = new();

    [GlobalSetup]
    public void Setup()
    {
        string data = FindSharedData();
        _lean = [Path.Combine(data, "lean-algoseek", "ibm", "20131007_trade.zip"), Path.Combine(data, "lean-algoseek", "ibm", "20131007_quote.zip")];
        _tardis = [Path.Combine(data, "tardis", "BTCUSDT_trades.csv"), Path.Combine(data, "tardis", "BTCUSDT_quotes.csv")];
        string dir = Path.Combine(Path.GetTempPath(), "mf-import-bench");
        Directory.CreateDirectory(dir);
        _output = Path.Combine(dir, "out.mflog");
        _generic = Path.Combine(dir, "generic.csv");
        using (var w = new StreamWriter(_generic))
        {
            w.WriteLine("ts;sym;px;qty");
            long t = 1_700_000_000_000;
            for (int i = 0; i < GenericRows; i++)
            {
                w.Write((t + i).ToString(CultureInfo.InvariantCulture));
                w.Write(i % 2 == 0 ? ";AAA;" : ";BBB;");
                w.Write((100 + (i % 1000 / 100.0)).ToString("0.00", CultureInfo.InvariantCulture));
                w.Write(';');
                w.WriteLine((1 + (i % 50)).ToString(CultureInfo.InvariantCulture));
            }
        }

        _mapping = new GenericCsvMapping { Delimiter = ";", Time = "ts", Symbol = "sym", Price = "px", Size = "qty", TimeFormat = "ms", PriceDecimals = 2 };
    }

    /// <summary>Parse, merge and sequence the IBM trade + quote zips (in memory).</summary>
    [Benchmark(OperationsPerInvoke = IbmRows)]
    public long LeanIbmParse() => LeanAlgoSeekImporter.Read(_lean).RowsRead;

    /// <summary>Full import of the IBM day into a tick log file.</summary>
    [Benchmark(OperationsPerInvoke = IbmRows)]
    public long LeanIbmToTickLog() => Importer.ImportLean(_lean, _output).TicksWritten;

    /// <summary>Tardis trades + quotes with explicit scales.</summary>
    [Benchmark(OperationsPerInvoke = TardisRows)]
    public long TardisParse() => TardisCsvImporter.Read(_tardis, new TardisImportOptions { PriceDecimals = 2, SizeDecimals = 3 }).RowsRead;

    /// <summary>Tardis trades + quotes with scale detection (an extra pre-pass).</summary>
    [Benchmark(OperationsPerInvoke = TardisRows)]
    public long TardisParseDetectScales() => TardisCsvImporter.Read(_tardis).RowsRead;

    /// <summary>Generic CSV, 200k synthetic rows.</summary>
    [Benchmark(OperationsPerInvoke = GenericRows)]
    public long GenericCsvParse() => GenericCsvImporter.Read([_generic], _mapping).RowsRead;

    internal static string FindSharedData()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MarketFeed.sln")))
        {
            dir = dir.Parent;
        }

        return dir is null
            ? throw new InvalidOperationException("MarketFeed.sln not found above " + AppContext.BaseDirectory)
            : Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data"));
    }
}
