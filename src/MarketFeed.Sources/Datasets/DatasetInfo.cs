using MarketFeed.Protocol;
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
/// <param name="Damage">Damage found when opening and checking every block's checksum.</param>
/// <param name="ReadableTicks">Ticks in blocks whose header and payload checksum are good.</param>
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
    /// <summary><c>intact</c>, <c>unclosed</c> (no footer index, nothing unreadable) or <c>damaged</c>; see <see cref="CatalogEntry.State"/>.</summary>
    public string State
    {
        get
        {
            foreach (var d in Damage)
            {
                if (d.Kind != TickLogDamageKind.IndexRebuilt)
                {
                    return CatalogEntry.Damaged;
                }
            }

            return HasFooterIndex ? CatalogEntry.Intact : CatalogEntry.Unclosed;
        }
    }

    /// <summary>The protocol's catalog entry for this dataset.</summary>
    public CatalogEntry ToCatalogEntry()
    {
        var names = new string[Symbols.Count];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = Symbols[i].Name;
        }

        string state = State;
        string? damage = null;
        if (state == CatalogEntry.Damaged)
        {
            foreach (var d in Damage)
            {
                if (d.Kind != TickLogDamageKind.IndexRebuilt)
                {
                    damage = $"{Damage.Count} damaged part(s); first: {d}";
                    break;
                }
            }
        }

        return new CatalogEntry(Name, names, From, To, TickCount, state, ReadableTicks, damage);
    }
}
