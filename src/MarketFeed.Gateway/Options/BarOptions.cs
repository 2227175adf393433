using MarketFeed.Core.Bars;

namespace MarketFeed.Gateway.Options;

/// <summary>Server-side OHLCV bars of the live feed (section "Bars").</summary>
public sealed class BarOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Bars";

    /// <summary>Aggregate bars of the live feed.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Intervals and how many bars of each a symbol keeps, as <c>interval:count</c> pairs. The default
    /// keeps the last 15 minutes of 1-second bars, a day of 1-minute bars and a day of 5-minute bars.
    /// </summary>
    public string Intervals { get; set; } = "1s:900,1m:1440,5m:288";

    /// <summary>Most bars one <c>bars</c> reply carries (a longer range is paged with <c>from</c>).</summary>
    public int MaxBarsPerRequest { get; set; } = 2000;

    /// <summary>The parsed <see cref="Intervals"/>.</summary>
    public IReadOnlyList<(BarInterval Interval, int Capacity)> ParseIntervals()
    {
        var list = new List<(BarInterval, int)>();
        foreach (string part in Intervals.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] pair = part.Split(':');
            if (pair.Length != 2 || !BarInterval.TryParse(pair[0], out var interval) || !int.TryParse(pair[1], System.Globalization.CultureInfo.InvariantCulture, out int count) || count is < 1 or > 1_000_000)
            {
                throw new InvalidOperationException($"configuration {SectionName}:{nameof(Intervals)}: '{part}' is not interval:count (e.g. 1m:1440; count 1..1000000)");
            }

            foreach (var (existing, _) in list)
            {
                if (existing == interval)
                {
                    throw new InvalidOperationException($"configuration {SectionName}:{nameof(Intervals)}: {interval} is listed twice");
                }
            }

            list.Add((interval, count));
        }

        return list;
    }

    /// <summary>Validates on start.</summary>
    public void Validate()
    {
        _ = ParseIntervals();
        if (MaxBarsPerRequest is < 1 or > 100_000)
        {
            throw new InvalidOperationException($"configuration {SectionName}:{nameof(MaxBarsPerRequest)} must be 1..100000");
        }
    }
}
