using MarketFeed.Core;

namespace MarketFeed.Client;

/// <summary>Parameters of a replay (docs/protocol.md section 6).</summary>
/// <param name="Dataset">Dataset name from the catalog.</param>
public sealed record ReplayRequest(string Dataset)
{
    /// <summary>Symbols to replay; null = all of the dataset.</summary>
    public IReadOnlyList<string>? Symbols { get; init; }

    /// <summary>Range start, ns since the epoch; null = start of the dataset.</summary>
    public long? From { get; init; }

    /// <summary>Range end, ns since the epoch; null = end of the dataset.</summary>
    public long? To { get; init; }

    /// <summary>Speed multiplier (1 = real time), <see cref="double.PositiveInfinity"/> for "max"; null = server default (1).</summary>
    public double? Speed { get; init; }

    /// <summary>Delivery mode; null = server default (full).</summary>
    public DeliveryMode? Mode { get; init; }

    /// <summary>Throttle (conflated only); null = none.</summary>
    public int? Throttle { get; init; }

    /// <summary>Go on past damaged parts of the dataset (end reason <c>damage-skipped</c>) instead of ending at the first (<c>damaged</c>).</summary>
    public bool SkipDamage { get; init; }

    /// <summary>
    /// At the end of the range continue live on the replay's symbols (docs/protocol.md section 6.1):
    /// the replay ends with reason <c>live</c> and the client holds live subscriptions of those
    /// symbols from then on (live symbol ids). For the live recording the sequence continues without a
    /// gap (reported as recovered); for other datasets each symbol starts again with a live snapshot.
    /// </summary>
    public bool ContinueLive { get; init; }

    /// <summary>Bar intervals (any, e.g. <c>["1m"]</c>) whose bar updates, computed from the replayed ticks, ride with the replay's data; null = none.</summary>
    public IReadOnlyList<string>? Bars { get; init; }
}
