namespace MarketFeed.Engine;

/// <summary>Result of <see cref="Subscriber.Subscribe"/>.</summary>
public enum SubscribeOutcome
{
    /// <summary>Subscribed (or re-subscribed with new settings).</summary>
    Subscribed,

    /// <summary>Subscribed, continuing right after the sequence the caller asked to resume from (no snapshot).</summary>
    Recovered,

    /// <summary>The subscriber already holds its maximum number of symbols.</summary>
    LimitExceeded,

    /// <summary>The symbol id is not in the engine's universe.</summary>
    UnknownSymbol,

    /// <summary>The subscriber has been disposed or dropped.</summary>
    Closed,
}
