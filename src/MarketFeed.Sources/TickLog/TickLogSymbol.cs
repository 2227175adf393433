namespace MarketFeed.Sources.TickLog;

/// <summary>
/// One entry of a tick log's symbol table. A tick's <see cref="Core.Tick.SymbolId"/> inside a log
/// is the index of its symbol in this table, so a log is self-describing.
/// </summary>
/// <param name="Name">Symbol name (upper case).</param>
/// <param name="PriceDecimals">Fixed-point decimals of prices.</param>
/// <param name="SizeDecimals">Fixed-point decimals of sizes.</param>
public sealed record TickLogSymbol(string Name, int PriceDecimals, int SizeDecimals);
