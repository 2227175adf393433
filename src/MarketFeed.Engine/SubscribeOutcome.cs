namespace MarketFeed.Engine;

/// <summary>Result of <see cref="Subscriber.Subscribe"/>.</summary>
public enum SubscribeOutcome
{
    /// <summary>Subscribed (or re-subscribed with new settings).</summary>
    Subscribed,

    /// <summary>The subscriber already holds its maximum number of symbols.</summary>
    LimitExceeded,

    /// <summary>The symbol id is not in the engine's universe.</summary>
    UnknownSymbol,

    /// <summary>The subscriber has been disposed or dropped.</summary>
    Closed,
}
