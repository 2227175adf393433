using System.Globalization;

namespace MarketFeed.Core;

/// <summary>
/// Strict parsing of points in time typed by people (CLI <c>--from</c>/<c>--to</c>, replay requests):
/// ISO-8601 text, or a number with an explicit unit. Everything else is rejected, so
/// <c>20131010</c> is never read as nanoseconds and <c>10/11/2013</c> never as month-first.
/// </summary>
public static class TimeText
{
    /// <summary>What is accepted, for error messages.</summary>
    public const string Accepted =
        "ISO-8601 (2013-10-07, 2013-10-07T13:30:00Z, 2013-10-07T09:30:00.5-04:00; UTC unless an offset is given) " +
        "or a number since the Unix epoch with its unit (1381152600s, 1381152600000ms, 1381152600000000us, 1381152600000000000ns)";

    /// <summary>Parses ISO-8601 or a number with a unit suffix; on failure <paramref name="error"/> says why and what is accepted.</summary>
    public static bool TryParse(string text, out long nanos, out string? error)
    {
        text = text.Trim();
        nanos = 0;
        error = null;
        if (text.Length == 0)
        {
            error = "empty time; use " + Accepted;
            return false;
        }

        if (IsBareNumberOrSlashDate(text))
        {
            error = $"'{text}' is ambiguous: a bare number could be a date, seconds, milliseconds or nanoseconds. Use {Accepted}";
            return false;
        }

        if (TryParseWithUnit(text, out nanos))
        {
            return true;
        }

        if (TryParseIso(text, out nanos))
        {
            return true;
        }

        error = $"'{text}' is not a time. Use {Accepted}";
        return false;
    }

    /// <summary>Parses ISO-8601 only: <c>yyyy-MM-dd</c>, optionally <c>THH:mm[:ss[.fffffffff]]</c> and <c>Z</c> or <c>±HH:mm</c> (UTC without one).</summary>
    public static bool TryParseIso(string text, out long nanos)
    {
        nanos = 0;
        var s = text.AsSpan().Trim();
        if (s.Length < 10 || s[4] != '-' || s[7] != '-'
            || !TryDigits(s[..4], out int year) || !TryDigits(s.Slice(5, 2), out int month) || !TryDigits(s.Slice(8, 2), out int day))
        {
            return false;
        }

        int pos = 10;
        int hour = 0, minute = 0, second = 0;
        long fraction = 0;
        if (pos < s.Length && (s[pos] == 'T' || s[pos] == 't' || s[pos] == ' '))
        {
            if (s.Length < pos + 6 || s[pos + 3] != ':' || !TryDigits(s.Slice(pos + 1, 2), out hour) || !TryDigits(s.Slice(pos + 4, 2), out minute))
            {
                return false;
            }

            pos += 6;
            if (pos < s.Length && s[pos] == ':')
            {
                if (s.Length < pos + 3 || !TryDigits(s.Slice(pos + 1, 2), out second))
                {
                    return false;
                }

                pos += 3;
                if (pos < s.Length && (s[pos] == '.' || s[pos] == ','))
                {
                    int start = ++pos;
                    while (pos < s.Length && char.IsAsciiDigit(s[pos]))
                    {
                        pos++;
                    }

                    int digits = pos - start;
                    if (digits is 0 or > 9 || !long.TryParse(s[start..pos], NumberStyles.None, CultureInfo.InvariantCulture, out fraction))
                    {
                        return false;
                    }

                    for (int i = digits; i < 9; i++)
                    {
                        fraction *= 10;
                    }
                }
            }
        }

        TimeSpan offset = TimeSpan.Zero;
        var zone = s[pos..];
        if (zone.Length > 0)
        {
            if (zone is "Z" or "z")
            {
                // UTC
            }
            else if (zone.Length == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':'
                && TryDigits(zone.Slice(1, 2), out int oh) && TryDigits(zone.Slice(4, 2), out int om) && oh <= 14 && om < 60)
            {
                offset = new TimeSpan(oh, om, 0) * (zone[0] == '-' ? -1 : 1);
            }
            else
            {
                return false;
            }
        }

        if (year < 1970 || year > 2261 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var value = new DateTimeOffset(year, month, day, hour, minute, second, offset);
        nanos = UnixTime.FromDateTimeOffset(value) + fraction;
        return true;
    }

    private static bool TryParseWithUnit(string text, out long nanos)
    {
        nanos = 0;
        (string Suffix, int Decimals)[] units = [("ns", 0), ("us", 3), ("µs", 3), ("ms", 6), ("s", 9)];
        foreach (var (suffix, decimals) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal))
            {
                var number = text.AsSpan(0, text.Length - suffix.Length).Trim();
                return number.Length > 0 && number[0] != '-' && FixedPoint.TryParse(number, decimals, out nanos) && nanos >= 0;
            }
        }

        return false;
    }

    /// <summary>Only digits with '.' or '/' between them: 20131010, 1381152600, 10/11/2013, 11.10.2013.</summary>
    private static bool IsBareNumberOrSlashDate(string text)
    {
        foreach (char c in text)
        {
            if (!char.IsAsciiDigit(c) && c != '.' && c != '/')
            {
                return false;
            }
        }

        return char.IsAsciiDigit(text[^1]);
    }

    private static bool TryDigits(ReadOnlySpan<char> s, out int value)
    {
        value = 0;
        foreach (char c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return s.Length > 0;
    }
}
