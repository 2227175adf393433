namespace MarketFeed.LoadTests.Measurements;

/// <summary>CPU seconds and resident memory of a process.</summary>
/// <param name="CpuSeconds">User + system CPU time.</param>
/// <param name="ResidentBytes">Resident set size (working set).</param>
/// <param name="HeapBytes">Managed heap size if known, else -1.</param>
public readonly record struct ProcessStats(double CpuSeconds, long ResidentBytes, long HeapBytes);
