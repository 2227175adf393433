using MarketFeed.Protocol;

namespace MarketFeed.Client;

/// <summary>
/// Client-side message: the application did not read <see cref="MarketFeedClient.ReadAllAsync"/> fast enough
/// and the bounded message channel was full, so <paramref name="Count"/> messages were dropped at this point of
/// the stream (policy <see cref="MessageOverflowPolicy.DropAndReport"/>). The per-symbol state cache is still
/// up to date: read it with <see cref="MarketFeedClient.TryGetSnapshot(string, out MarketFeed.Core.MarketSnapshot)"/>.
/// </summary>
/// <param name="Count">Messages dropped since the previous report.</param>
/// <param name="TotalDropped">Messages dropped since the client was created.</param>
public sealed record MessagesDroppedMessage(long Count, long TotalDropped) : ServerMessage(ClientMessageKinds.MessagesDropped);
