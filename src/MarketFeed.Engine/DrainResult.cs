namespace MarketFeed.Engine;

/// <summary>What one <see cref="Subscriber.Drain{TSink}"/> call did.</summary>
/// <param name="Updates">Messages handed to the sink.</param>
/// <param name="HasMore">The sink ran out of room before all pending work was drained.</param>
/// <param name="NextDueTimestamp">
/// Earliest <see cref="TimeProvider.GetTimestamp"/> at which a throttled symbol becomes sendable,
/// or <see cref="long.MaxValue"/> if none waits.
/// </param>
/// <param name="Overflowed">The full-mode queue overflowed: the subscriber must be dropped (close 4001).</param>
public readonly record struct DrainResult(int Updates, bool HasMore, long NextDueTimestamp, bool Overflowed);
