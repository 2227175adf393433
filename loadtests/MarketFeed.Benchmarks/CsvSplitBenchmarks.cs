using System.Globalization;
using System.IO.Compression;
using System.Text;
using BenchmarkDotNet.Attributes;
using MarketFeed.Sources.Import;
using nietras.SeparatedValues;

namespace MarketFeed.Benchmarks;

/// <summary>
/// The CSV splitting layer alone, on the same files, doing the same work per row (split, parse field
/// 0 as an integer, take the length of field 1): Sep 0.18 alone against the importers' reader (Sep
/// behind <see cref="CsvQuoteGuard"/>). Until commit b2a6bdb the importers' own line reader and
/// quoted splitter stood here instead (docs/benchmarks.md, "CSV splitting"). OperationsPerInvoke =
/// rows, so the mean is time per row. Run:
/// <c>dotnet run -c Release --project loadtests/MarketFeed.Benchmarks -- --filter *CsvSplitBenchmarks*</c>.
/// </summary>
[MemoryDiagnoser]
public class CsvSplitBenchmarks
{
    private const int Rows = 200_000;
    private string _dir = string.Empty;

    /// <summary>Input: the IBM Lean quote rows (real, no quotes; repeated to 200k rows), a 200k-row generic CSV without quotes, the same with every symbol quoted.</summary>
    [Params("ibm-quotes", "plain", "quoted")]
    public string Input { get; set; } = "plain";

    private string _path = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "mf-csvsplit-bench");
        Directory.CreateDirectory(_dir);
        switch (Input)
        {
            case "ibm-quotes":
                _path = Path.Combine(_dir, "ibm-quotes.csv");
                var lines = new List<string>();
                using (var zip = ZipFile.OpenRead(Path.Combine(ImportBenchmarks.FindSharedData(), "lean-algoseek", "ibm", "20131007_quote.zip")))
                using (var entry = new StreamReader(zip.Entries[0].Open()))
                {
                    while (entry.ReadLine() is { } line)
                    {
                        lines.Add(line);
                    }
                }

                using (var w = new StreamWriter(_path, false, new UTF8Encoding(false)))
                {
                    for (int i = 0; i < Rows; i++)
                    {
                        w.Write(lines[i % lines.Count]);
                        w.Write('\n');
                    }
                }

                break;
            default:
                bool quoted = Input == "quoted";
                _path = Path.Combine(_dir, Input + ".csv");
                using (var w = new StreamWriter(_path, false, new UTF8Encoding(false)))
                {
                    long t = 1_700_000_000_000;
                    for (int i = 0; i < Rows; i++)
                    {
                        w.Write((t + i).ToString(CultureInfo.InvariantCulture));
                        w.Write(quoted ? (i % 2 == 0 ? ",\"AAA, Inc\"," : ",\"BB\"\"B\",") : (i % 2 == 0 ? ",AAA," : ",BBB,"));
                        w.Write((100 + (i % 1000 / 100.0)).ToString("0.00", CultureInfo.InvariantCulture));
                        w.Write(',');
                        w.Write((1 + (i % 50)).ToString(CultureInfo.InvariantCulture));
                        w.Write('\n');
                    }
                }

                break;
        }
    }

    /// <summary>The importers' reader: Sep behind <see cref="CsvQuoteGuard"/> (<see cref="CsvRows"/>), quotes on.</summary>
    [Benchmark(OperationsPerInvoke = Rows)]
    public long SepWithGuard()
    {
        long sum = 0;
        using var csv = CsvRows.Open(_path, ',', quotes: true, detectEncoding: false);
        foreach (var row in csv.Reader)
        {
            if (row.ColCount >= 2 && long.TryParse(row[0].Span, NumberStyles.None, CultureInfo.InvariantCulture, out long v))
            {
                sum += v + row[1].Span.Length;
            }
        }

        return sum;
    }

    /// <summary>Sep alone with unescaping (RFC 4180 quotes decoded), no header: what the guard costs on top.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Rows)]
    public long Sep()
    {
        long sum = 0;
        using var reader = nietras.SeparatedValues.Sep.New(',').Reader(o => o with { HasHeader = false, Unescape = true }).FromFile(_path);
        foreach (var row in reader)
        {
            if (row.ColCount >= 2 && long.TryParse(row[0].Span, NumberStyles.None, CultureInfo.InvariantCulture, out long v))
            {
                sum += v + row[1].Span.Length;
            }
        }

        return sum;
    }
}
