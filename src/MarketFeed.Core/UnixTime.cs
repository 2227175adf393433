namespace MarketFeed.Core;

/// <summary>Timestamps as integer nanoseconds since the Unix epoch, UTC.</summary>
public static class UnixTime
{
    /// <summary>Nanoseconds per millisecond.</summary>
    public const long NanosPerMillisecond = 1_000_000;

    /// <summary>Nanoseconds per second.</summary>
    public const long NanosPerSecond = 1_000_000_000;

    /// <summary>Current time of <paramref name="time"/> in nanoseconds since the epoch.</summary>
    /// <remarks>Resolution is that of <see cref="TimeProvider.GetUtcNow"/> (100 ns ticks).</remarks>
    public static long NowNanos(TimeProvider time) => FromDateTimeOffset(time.GetUtcNow());

    /// <summary>Converts to nanoseconds since the epoch.</summary>
    public static long FromDateTimeOffset(DateTimeOffset value) =>
        (value.UtcTicks - DateTime.UnixEpoch.Ticks) * 100;

    /// <summary>Converts nanoseconds since the epoch to a UTC <see cref="DateTimeOffset"/> (100 ns resolution).</summary>
    public static DateTimeOffset ToDateTimeOffset(long nanos) =>
        new(DateTime.UnixEpoch.Ticks + (nanos / 100), TimeSpan.Zero);

    /// <summary>ISO-8601 UTC text with nanoseconds, e.g. 2013-10-07T13:30:00.123456789Z.</summary>
    public static string Format(long nanos)
    {
        var dto = ToDateTimeOffset(nanos);
        long subSecond = ((nanos % NanosPerSecond) + NanosPerSecond) % NanosPerSecond;
        return dto.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + "." + subSecond.ToString("D9", System.Globalization.CultureInfo.InvariantCulture) + "Z";
    }
}
