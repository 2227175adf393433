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
/// <param name="Damage">Damage found when opening and reading every block.</param>
/// <param name="ReadableTicks">Ticks in blocks whose header and payload checksum are good and that decode.</param>
public sealed record DatasetInfo(
    string Name,
    string Path,
    IReadOnlyList<TickLogSymbol> Symbols,
    long From,
    long To,
    long TickCount,
    int BlockCount,
    bool HasFooterIndex,
    IReadOnlyList<TickLogDamage> Damage,
    long ReadableTicks)
{
    /// <summary>State of a cleanly closed, fully readable dataset.</summary>
    public const string Intact = "intact";

    /// <summary>State of a dataset without footer index whose blocks are all readable.</summary>
    public const string Unclosed = "unclosed";

    /// <summary>State of a dataset with unreadable parts.</summary>
    public const string Damaged = "damaged";

    /// <summary>Readable ticks flagged <see cref="MarketFeed.Core.TickFlags.Suspicious"/> by the vendor.</summary>
    public long SuspiciousTicks { get; init; }

    /// <summary>Readable ticks flagged <see cref="MarketFeed.Core.TickFlags.SizeUnknown"/> (the source gives no sizes).</summary>
    public long SizeUnknownTicks { get; init; }

    /// <summary><see cref="Intact"/>, <see cref="Unclosed"/> (no footer index, nothing unreadable) or <see cref="Damaged"/>.</summary>
    public string State
    {
        get
        {
            foreach (var d in Damage)
            {
                if (d.Kind != TickLogDamageKind.IndexRebuilt)
                {
                    return Damaged;
                }
            }

            return HasFooterIndex ? Intact : Unclosed;
        }
    }

    /// <summary>Damaged: the number of damaged parts and the first one (kind, offset, description); otherwise null.</summary>
    public string? DamageSummary
    {
        get
        {
            foreach (var d in Damage)
            {
                if (d.Kind != TickLogDamageKind.IndexRebuilt)
                {
                    return $"{Damage.Count} damaged part(s); first: {d}";
                }
            }

            return null;
        }
    }
}
