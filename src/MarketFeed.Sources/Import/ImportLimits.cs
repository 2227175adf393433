namespace MarketFeed.Sources.Import;

/// <summary>
/// Plausibility limits every importer applies to a row: a value outside them is a bad row (counted,
/// with the value shown), never a tick. They catch garbage and arithmetic overflow, not unusual markets.
/// </summary>
public static class ImportLimits
{
    /// <summary>Earliest tick time accepted: 1970-01-01T00:00:00Z (ns since the epoch).</summary>
    public const long MinTimestamp = 0;

    /// <summary>First tick time refused: 2100-01-01T00:00:00Z (ns since the epoch).</summary>
    public const long MaxTimestamp = 4_102_444_800L * 1_000_000_000L;

    /// <summary>True if <paramref name="nanos"/> lies in [<see cref="MinTimestamp"/>, <see cref="MaxTimestamp"/>).</summary>
    public static bool IsPlausibleTime(long nanos) => nanos is >= MinTimestamp and < MaxTimestamp;
}
