using System.Globalization;

namespace MarketFeed.LoadTests.Measurements;

/// <summary>
/// Reads the server's CPU and memory: from <c>/proc/&lt;pid&gt;</c> when the server is a child
/// process on this host, else from the Prometheus text of its <c>/metrics</c> endpoint
/// (<c>process_cpu_seconds_total</c>, <c>process_working_set_bytes</c>, <c>dotnet_gc_heap_bytes</c>).
/// </summary>
public sealed class ServerProbe(HttpClient http, Uri baseUri, int? pid)
{
    private static readonly double ClockTicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>Last scraped metric values (name with labels -> value).</summary>
    public IReadOnlyDictionary<string, double> LastMetrics { get; private set; } = new Dictionary<string, double>();

    /// <summary>Takes one reading; never throws (returns NaN-like values on failure).</summary>
    public async Task<ProcessStats> ReadAsync(CancellationToken cancellationToken)
    {
        var metrics = await ScrapeAsync(cancellationToken).ConfigureAwait(false);
        LastMetrics = metrics;
        long heap = metrics.TryGetValue("dotnet_gc_heap_bytes", out double h) ? (long)h : -1;
        if (pid is { } p && ReadProc(p) is { } proc)
        {
            return proc with { HeapBytes = heap };
        }

        double cpu = metrics.TryGetValue("process_cpu_seconds_total", out double c) ? c : double.NaN;
        long rss = metrics.TryGetValue("process_working_set_bytes", out double r) ? (long)r : -1;
        return new ProcessStats(cpu, rss, heap);
    }

    /// <summary>Reads /proc/&lt;pid&gt;/stat (utime, stime) and statm (resident pages).</summary>
    public static ProcessStats? ReadProc(int processId)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{processId}/stat");
            // Fields after the command name (which may hold spaces) start after the last ')'.
            string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            double cpu = (long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture)) / ClockTicksPerSecond;
            string[] statm = File.ReadAllText($"/proc/{processId}/statm").Split(' ');
            long rss = long.Parse(statm[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
            return new ProcessStats(cpu, rss, -1);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The host's 1-minute load average (NaN if unknown).</summary>
    public static double HostLoadAverage()
    {
        try
        {
            string text = File.ReadAllText("/proc/loadavg");
            return double.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    /// <summary>
    /// Parses Prometheus text exposition format into name{labels} -> value; a sample without labels
    /// is keyed by its bare name (the OpenTelemetry exporter writes <c>name{} value</c>).
    /// </summary>
    public static Dictionary<string, double> ParsePrometheus(string text)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            int space = line.LastIndexOf(' ');
            if (space > 0 && double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
            {
                string key = line[..space];
                result[key.EndsWith("{}", StringComparison.Ordinal) ? key[..^2] : key] = v;
            }
        }

        return result;
    }

    private async Task<Dictionary<string, double>> ScrapeAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(TimeSpan.FromSeconds(2));
            string text = await http.GetStringAsync(new Uri(baseUri, "/metrics"), cts.Token).ConfigureAwait(false);
            return ParsePrometheus(text);
        }
        catch (HttpRequestException)
        {
            return [];
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return [];
        }
    }
}
