using System.Globalization;
using MarketFeed.Core;

namespace MarketFeed.Sources.Import;

/// <summary>
/// Parses a time field to ns since the epoch, per <see cref="GenericCsvMapping.TimeFormat"/>. A time
/// outside <see cref="ImportLimits"/> (1970..2099, which also keeps every conversion from
/// overflowing) does not parse.
/// </summary>
internal sealed class CsvTimeParser
{
    private readonly int _epochDecimals = -1;
    private readonly string _format = string.Empty;
    private readonly bool _hasOffset;
    private readonly TimeZoneInfo _zone;

    public CsvTimeParser(string format, string zone)
    {
        _zone = zone is "UTC" or "utc" or "Z" or "" ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(zone);
        string unit = format.Trim().ToLowerInvariant().Replace("epoch", string.Empty, StringComparison.Ordinal).Replace("unix", string.Empty, StringComparison.Ordinal).Trim('-', '_', ' ');

        // Parsing the epoch text at these decimals yields nanoseconds directly.
        _epochDecimals = unit switch
        {
            "s" or "sec" or "seconds" => 9,
            "ms" or "millis" or "milliseconds" => 6,
            "us" or "µs" or "micros" or "microseconds" => 3,
            "ns" or "nanos" or "nanoseconds" => 0,
            _ => -1,
        };
        if (_epochDecimals < 0)
        {
            _format = format;
            _hasOffset = format.Contains('z', StringComparison.Ordinal) || format.Contains('K', StringComparison.Ordinal);
        }
    }

    public bool TryParse(ReadOnlySpan<char> text, out long nanos)
    {
        nanos = 0;
        if (_epochDecimals >= 0)
        {
            return FixedPoint.TryParse(text, _epochDecimals, out nanos) && ImportLimits.IsPlausibleTime(nanos);
        }

        if (_hasOffset)
        {
            if (!DateTimeOffset.TryParseExact(text, _format, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var dto))
            {
                return false;
            }

            if (dto.UtcDateTime.Year is < 1970 or >= 2100)
            {
                return false;
            }

            nanos = UnixTime.FromDateTimeOffset(dto);
            return true;
        }

        if (!DateTime.TryParseExact(text, _format, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var local) || local.Year is < 1971 or >= 2099)
        {
            // 1971..2098 local: a time zone offset can never take it past the 1970..2099 UTC limits.
            return false;
        }

        if (_zone == TimeZoneInfo.Utc)
        {
            nanos = (local.Ticks - DateTime.UnixEpoch.Ticks) * 100;
            return true;
        }

        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (_zone.IsInvalidTime(local))
        {
            return false;
        }

        nanos = (TimeZoneInfo.ConvertTimeToUtc(local, _zone).Ticks - DateTime.UnixEpoch.Ticks) * 100;
        return true;
    }
}
