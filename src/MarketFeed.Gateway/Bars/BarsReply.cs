using MarketFeed.Core.Bars;

namespace MarketFeed.Gateway.Bars;

/// <summary>The answer to one <c>bars</c> request.</summary>
public sealed record BarsReply(string Symbol, int PriceDecimals, int SizeDecimals, BarInterval Interval, List<Bar> Bars, bool LastIsOpen, bool Complete);
