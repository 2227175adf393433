using MarketFeed.Core;

namespace MarketFeed.Client;

/// <summary>A live subscription as granted by the server (what the client resubscribes after a reconnect).</summary>
/// <param name="Symbol">Symbol name as the server acknowledged it.</param>
/// <param name="Mode">Delivery mode.</param>
/// <param name="Throttle">Max updates per second per symbol (0 = unthrottled).</param>
/// <param name="Bars">Bar intervals with live bar updates (docs/protocol.md 4.12), or null.</param>
public sealed record Subscription(string Symbol, DeliveryMode Mode, int Throttle, IReadOnlyList<string>? Bars = null);
