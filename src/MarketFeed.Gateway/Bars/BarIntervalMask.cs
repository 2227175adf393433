using MarketFeed.Core.Bars;
using MarketFeed.Protocol;

namespace MarketFeed.Gateway.Bars;

/// <summary>Turns the <c>bars</c> field of a subscribe or replay (interval names) into a bit mask over a store's intervals.</summary>
public static class BarIntervalMask
{
    /// <summary>
    /// The mask of <paramref name="names"/> over <paramref name="store"/>'s intervals. Throws a 400
    /// <see cref="ControlRequestException"/> for a name that is not an interval or that the store does not keep.
    /// </summary>
    public static uint Parse(IReadOnlyList<string> names, LiveBarStore store)
    {
        uint mask = 0;
        foreach (string name in names)
        {
            if (!BarInterval.TryParse(name, out BarInterval interval))
            {
                throw new ControlRequestException(ErrorCode.BadRequest, $"'bars': '{Cut(name)}' is not a bar interval (N followed by s, m, h or d, 1s..1d, e.g. \"1m\")");
            }

            int index = store.IndexOf(interval);
            if (index < 0)
            {
                throw new ControlRequestException(ErrorCode.BadRequest, $"'bars': interval {interval} is not kept for the live feed (configured: {Configured(store)})");
            }

            mask |= 1u << index;
        }

        return mask;
    }

    /// <summary>The distinct intervals of <paramref name="names"/> (for a store built for a replay); throws 400 for a bad name.</summary>
    public static List<(BarInterval Interval, int Capacity)> Distinct(IReadOnlyList<string> names)
    {
        var list = new List<(BarInterval, int)>();
        foreach (string name in names)
        {
            if (!BarInterval.TryParse(name, out BarInterval interval))
            {
                throw new ControlRequestException(ErrorCode.BadRequest, $"'bars': '{Cut(name)}' is not a bar interval (N followed by s, m, h or d, 1s..1d, e.g. \"1m\")");
            }

            if (!list.Exists(i => i.Item1 == interval))
            {
                list.Add((interval, 2)); // updates need the newest bar and the one before it
            }
        }

        return list;
    }

    private static string Configured(LiveBarStore store)
    {
        var names = new List<string>();
        foreach (var (interval, _) in store.Intervals)
        {
            names.Add(interval.Name);
        }

        return string.Join(", ", names);
    }

    private static string Cut(string text) => text.Length <= 16 ? text : text[..16] + "...";
}
