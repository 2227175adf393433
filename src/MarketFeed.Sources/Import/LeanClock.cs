using MarketFeed.Core;

namespace MarketFeed.Sources.Import;

/// <summary>Converts "ms since local midnight" of one date in one zone to ns since the epoch (UTC).</summary>
internal sealed class LeanClock
{
    private readonly DateTime _midnight;
    private readonly TimeZoneInfo _zone;
    private readonly long _baseNanos;
    private readonly bool _constantOffset;

    public LeanClock(DateTime date, TimeZoneInfo zone)
    {
        _midnight = DateTime.SpecifyKind(date.Date, DateTimeKind.Unspecified);
        _zone = zone;
        var start = zone.GetUtcOffset(_midnight);
        var end = zone.GetUtcOffset(_midnight.AddDays(1).AddTicks(-1));

        // Most days have one UTC offset: then conversion is one addition per row.
        _constantOffset = start == end;
        _baseNanos = (_midnight.Ticks - start.Ticks - DateTime.UnixEpoch.Ticks) * 100;
    }

    public bool TryToUnixNanos(long msSinceMidnight, out long nanos)
    {
        if (_constantOffset)
        {
            nanos = _baseNanos + (msSinceMidnight * UnixTime.NanosPerMillisecond);
            return true;
        }

        var local = _midnight.AddMilliseconds(msSinceMidnight);
        if (_zone.IsInvalidTime(local))
        {
            nanos = 0;
            return false;
        }

        nanos = UnixTime.FromDateTimeOffset(new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, _zone), TimeSpan.Zero));
        return true;
    }
}
