using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace MarketFeed.Benchmarks;

/// <summary>
/// The <see cref="ImportBenchmarks"/> imports timed by the thread's CPU time instead of wall time:
/// on a box shared with other builds the wall clock mostly measures the wait for a core, the
/// thread's CPU time much less so. Uses only the importers' public API, so the same file measures
/// any commit. Run with the non-concurrent workstation GC (GC work then runs on the importing thread):
/// <c>DOTNET_gcServer=0 DOTNET_gcConcurrent=0 dotnet run -c Release --project loadtests/MarketFeed.Benchmarks -- import-cputime [repeats]</c>.
/// Prints, per import, the median and minimum CPU ns per row and the bytes allocated per row.
/// </summary>
internal static partial class ImportCpuTime
{
    private const int ClockThreadCpuTime = 3;

    public static void Run(string[] args)
    {
        int repeats = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 15;
        var b = new ImportBenchmarks();
        b.Setup();
        var cases = new (string Name, int Rows, Func<long> Run)[]
        {
            ("LeanIbmParse", 24_293 + 109_067, b.LeanIbmParse),
            ("TardisParse", 9_999 + 9_999, b.TardisParse),
            ("TardisParseDetectScales", 9_999 + 9_999, b.TardisParseDetectScales),
            ("GenericCsvParse", 200_000, b.GenericCsvParse),
        };
        Console.WriteLine("| import | CPU ns/row median | min | rows/s (CPU, median) | allocated B/row |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (name, rows, run) in cases)
        {
            for (int i = 0; i < 5; i++)
            {
                run();
            }

            var ns = new double[repeats];
            long allocated = 0;
            for (int i = 0; i < repeats; i++)
            {
                long a0 = GC.GetAllocatedBytesForCurrentThread();
                long t0 = ThreadCpuNanos();
                run();
                ns[i] = (double)(ThreadCpuNanos() - t0) / rows;
                allocated = GC.GetAllocatedBytesForCurrentThread() - a0;
            }

            Array.Sort(ns);
            double median = ns[repeats / 2];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {median:F1} | {ns[0]:F1} | {1e9 / median / 1e6:F2} M | {(double)allocated / rows:F0} |"));
        }
    }

    private static long ThreadCpuNanos()
    {
        Debug.Assert(OperatingSystem.IsLinux(), "CLOCK_THREAD_CPUTIME_ID");
        _ = ClockGetTime(ClockThreadCpuTime, out var ts);
        return (ts.Seconds * 1_000_000_000) + ts.Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
