using System.Globalization;
using System.Runtime.InteropServices;

namespace MarketFeed.LoadTests.Hosting;

/// <summary>Pins the load generator to a CPU list, so that server and generator do not share cores.</summary>
internal static class CpuPinning
{
    /// <summary>Parses a taskset-style list ("1", "0,2", "2-3") into an affinity mask.</summary>
    public static long Mask(string cpus)
    {
        long mask = 0;
        foreach (string part in cpus.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] range = part.Split('-');
            int first = int.Parse(range[0], CultureInfo.InvariantCulture);
            int last = range.Length > 1 ? int.Parse(range[1], CultureInfo.InvariantCulture) : first;
            if (first < 0 || last > 62 || last < first)
            {
                throw new ArgumentException($"'{cpus}' is not a CPU list (e.g. 1, 0,2 or 2-3; CPUs 0..62)");
            }

            for (int cpu = first; cpu <= last; cpu++)
            {
                mask |= 1L << cpu;
            }
        }

        return mask != 0 ? mask : throw new ArgumentException($"'{cpus}' names no CPU");
    }

    /// <summary>
    /// Sets the affinity of every thread of this process (Linux). Process.ProcessorAffinity would set
    /// only the main thread's, and the runtime's threads (thread pool, GC, timers) already exist; new
    /// threads inherit their creator's, so pinning them all now covers the rest of the run.
    /// </summary>
    public static void PinThisProcess(string cpus)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("--client-cpus needs Linux (or run the harness under taskset)");
        }

        ulong mask = (ulong)Mask(cpus);
        foreach (string task in Directory.GetDirectories("/proc/self/task"))
        {
            int tid = int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture);
            if (SchedSetAffinity(tid, sizeof(ulong), ref mask) != 0 && Marshal.GetLastPInvokeError() != 3) // ESRCH: the thread ended
            {
                throw new InvalidOperationException($"sched_setaffinity({tid}, {cpus}) failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }
    }

    [DllImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static extern int SchedSetAffinity(int pid, nint cpuSetSize, ref ulong mask);
}
