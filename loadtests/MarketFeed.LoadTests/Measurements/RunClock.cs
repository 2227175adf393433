using System.Diagnostics;

namespace MarketFeed.LoadTests.Measurements;

/// <summary>Run-relative time (monotonic) and wall-clock nanoseconds since the epoch (for source timestamps).</summary>
public sealed class RunClock
{
    private readonly long _start = Stopwatch.GetTimestamp();

    /// <summary>Time since the run started.</summary>
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_start);

    /// <summary>Wall clock, ns since the Unix epoch (same clock as the server's source timestamps).</summary>
    public static long NowUnixNanos() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
}
