using MarketFeed.Sources.TickLog;

namespace MarketFeed.Sources.Datasets;

/// <summary>One dataset: a tick log file in the data directory, summarised from its header and block index.</summary>
/// <param name="Name">Dataset name (file name without extension).</param>
/// <param name="Path">Full path of the tick log.</param>
/// <param name="Symbols">Symbol table of the log.</param>
/// <param name="From">First tick time, ns since the epoch (0 if empty).</param>
/// <param name="To">Last tick time, ns since the epoch (0 if empty).</param>
/// <param name="TickCount">Number of ticks (from the index).</param>
/// <param name="BlockCount">Number of blocks.</param>
/// <param name="HasFooterIndex">False if the log was not closed cleanly (recording in progress or crashed).</param>
/// <param name="Damage">Structural damage found when opening (checksums are verified only on read).</param>
public sealed record DatasetInfo(
    string Name,
    string Path,
    IReadOnlyList<TickLogSymbol> Symbols,
    long From,
    long To,
    long TickCount,
    int BlockCount,
    bool HasFooterIndex,
    IReadOnlyList<TickLogDamage> Damage);
