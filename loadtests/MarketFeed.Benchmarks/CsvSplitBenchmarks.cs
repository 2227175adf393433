using System.Globalization;
using System.IO.Compression;
using System.Text;
using BenchmarkDotNet.Attributes;
using MarketFeed.Sources.Import;
using nietras.SeparatedValues;

namespace MarketFeed.Benchmarks;

/// <summary>
/// The CSV splitting layer alone, hand-written (<see cref="CsvLineReader"/> + span split, and
/// <see cref="CsvQuotedSplitter"/> for rows with a quote) against Sep 0.18, on the same files, doing
/// the same work per row: split, parse field 0 as an integer, take the length of field 1.
/// OperationsPerInvoke = rows, so the mean is time per row. Run:
/// <c>dotnet run -c Release --project loadtests/MarketFeed.Benchmarks -- --filter *CsvSplitBenchmarks* --job short</c>.
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

    /// <summary>The importer's own reader and splitters.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Rows)]
    public long HandWritten()
    {
        long sum = 0;
        using var text = new StreamReader(_path, Encoding.UTF8, false, 1 << 16);
        var reader = new CsvLineReader(text);
        Span<Range> f = stackalloc Range[16];
        CsvQuotedSplitter? quoted = null;
        while (reader.TryReadLine(out var line, out bool hasQuote))
        {
            int n;
            if (!hasQuote)
            {
                n = line.Split(f, ',');
            }
            else
            {
                quoted ??= new CsvQuotedSplitter();
                if (quoted.Split(line, ',', f, reader, out line, out n) is not null)
                {
                    continue;
                }
            }

            if (n >= 2 && long.TryParse(line[f[0]], NumberStyles.None, CultureInfo.InvariantCulture, out long v))
            {
                sum += v + line[f[1]].Length;
            }
        }

        return sum;
    }

    /// <summary>Sep with unescaping (RFC 4180 quotes decoded), no header.</summary>
    [Benchmark(OperationsPerInvoke = Rows)]
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
