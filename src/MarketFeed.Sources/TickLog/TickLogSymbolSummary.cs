namespace MarketFeed.Sources.TickLog;

/// <summary>Per-symbol totals of a tick log (from <see cref="TickLogInspector"/>).</summary>
/// <param name="Symbol">The symbol.</param>
/// <param name="Ticks">Ticks of either kind.</param>
/// <param name="Quotes">Quote ticks.</param>
/// <param name="Trades">Trade ticks.</param>
/// <param name="Volume">Sum of trade sizes (fixed point, the symbol's size scale).</param>
/// <param name="FirstTimestamp">First tick time, ns (0 if none).</param>
/// <param name="LastTimestamp">Last tick time, ns (0 if none).</param>
/// <param name="FirstSequence">Smallest sequence number seen.</param>
/// <param name="LastSequence">Largest sequence number seen.</param>
/// <param name="SequenceGaps">Times a tick's sequence was not the previous one + 1 (in file order).</param>
/// <param name="Suspicious">Ticks flagged <see cref="MarketFeed.Core.TickFlags.Suspicious"/> by the vendor.</param>
/// <param name="SizeUnknown">Ticks flagged <see cref="MarketFeed.Core.TickFlags.SizeUnknown"/> (the source gives no sizes).</param>
public sealed record TickLogSymbolSummary(
    TickLogSymbol Symbol,
    long Ticks,
    long Quotes,
    long Trades,
    long Volume,
    long FirstTimestamp,
    long LastTimestamp,
    long FirstSequence,
    long LastSequence,
    long SequenceGaps,
    long Suspicious = 0,
    long SizeUnknown = 0);
