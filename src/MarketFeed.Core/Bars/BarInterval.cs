using System.Globalization;

namespace MarketFeed.Core.Bars;

/// <summary>A bar interval: a whole number of seconds, written <c>15s</c>, <c>1m</c>, <c>5m</c>, <c>1h</c> or <c>1d</c>.</summary>
public readonly record struct BarInterval
{
    private BarInterval(long seconds) => Seconds = seconds;

    /// <summary>Length in seconds.</summary>
    public long Seconds { get; }

    /// <summary>Length in nanoseconds.</summary>
    public long Nanos => Seconds * UnixTime.NanosPerSecond;

    /// <summary>The canonical name (<c>1s</c>, <c>1m</c>, <c>90s</c> ...): the largest unit that divides it.</summary>
    public string Name => Seconds % 86_400 == 0 ? Format(Seconds / 86_400, 'd')
        : Seconds % 3600 == 0 ? Format(Seconds / 3600, 'h')
        : Seconds % 60 == 0 ? Format(Seconds / 60, 'm')
        : Format(Seconds, 's');

    /// <summary>Parses <c>N</c> followed by s, m, h or d (1 second to 1 day).</summary>
    public static bool TryParse(string? text, out BarInterval interval)
    {
        interval = default;
        if (string.IsNullOrEmpty(text) || text.Length < 2)
        {
            return false;
        }

        long unit = char.ToLowerInvariant(text[^1]) switch
        {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => 0,
        };
        if (unit == 0 || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n < 1 || n > 86_400 / unit)
        {
            return false;
        }

        interval = new BarInterval(n * unit);
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/>.</summary>
    public static BarInterval Parse(string text) =>
        TryParse(text, out var interval) ? interval : throw new FormatException($"'{text}' is not a bar interval (N followed by s, m, h or d, 1s..1d)");

    /// <summary>The UTC start of the bar holding <paramref name="timestamp"/> (ns since the epoch).</summary>
    public long BarStart(long timestamp)
    {
        long nanos = Nanos;
        long start = timestamp / nanos * nanos;
        return timestamp < 0 && start != timestamp ? start - nanos : start;
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    private static string Format(long n, char unit) => n.ToString(CultureInfo.InvariantCulture) + unit;
}
