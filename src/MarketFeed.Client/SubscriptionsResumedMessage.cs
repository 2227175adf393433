using MarketFeed.Protocol;

namespace MarketFeed.Client;

/// <summary>
/// Client-side message: the outcome of one resubscribe after a reconnect (docs/protocol.md
/// section 7.1), put into the message stream just before its ack and raised as
/// <see cref="MarketFeedClient.SubscriptionsResumed"/>.
/// </summary>
/// <param name="Recovered">Symbols that continue without a gap (full: the missed ticks follow; conflated: the latest newer state).</param>
/// <param name="NotRecovered">Symbols that got a fresh snapshot instead (epoch changed, or too far behind): treat their state as replaced.</param>
public sealed record SubscriptionsResumedMessage(IReadOnlyList<string> Recovered, IReadOnlyList<string> NotRecovered)
    : ServerMessage(ClientMessageKinds.SubscriptionsResumed);
