namespace MarketFeed.Protocol;

/// <summary>One dataset in the replay catalog.</summary>
/// <param name="Dataset">Dataset name used in replay requests.</param>
/// <param name="Symbols">Symbols it holds.</param>
/// <param name="From">First tick time, ns since the epoch.</param>
/// <param name="To">Last tick time, ns since the epoch.</param>
/// <param name="TickCount">Number of ticks.</param>
public sealed record CatalogEntry(string Dataset, IReadOnlyList<string> Symbols, long From, long To, long TickCount);
