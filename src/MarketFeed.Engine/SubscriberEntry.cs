using MarketFeed.Core;

namespace MarketFeed.Engine;

/// <summary>One subscriber's interest in one symbol, as the tick path sees it.</summary>
/// <param name="Subscriber">The subscriber.</param>
/// <param name="Slot">Index of the symbol in the subscriber's slot table (its dirty-bit index).</param>
/// <param name="Mode">Conflated (mark the slot dirty) or full (tell the journal reader there is a tick).</param>
internal readonly record struct SubscriberEntry(Subscriber Subscriber, int Slot, DeliveryMode Mode);
