namespace MarketFeed.Protocol;

/// <summary>One dataset in the replay catalog.</summary>
/// <param name="Dataset">Dataset name used in replay requests.</param>
/// <param name="Symbols">Symbols it holds.</param>
/// <param name="From">First tick time, ns since the epoch.</param>
/// <param name="To">Last tick time, ns since the epoch.</param>
/// <param name="TickCount">Number of ticks (all blocks the file lists, damaged ones included).</param>
/// <param name="State">
/// <c>intact</c> (closed cleanly, every checksum good), <c>unclosed</c> (no footer index: being
/// recorded, or its writer died; every block found is intact) or <c>damaged</c> (some blocks or
/// bytes are unreadable: see <paramref name="Damage"/>; a replay over them ends <c>damaged</c>).
/// </param>
/// <param name="ReadableTicks">Ticks in blocks that pass their checksums (= <paramref name="TickCount"/> unless damaged).</param>
/// <param name="Damage">Damaged: the number of damaged parts and the first one (kind, offset, description); else null.</param>
public sealed record CatalogEntry(string Dataset, IReadOnlyList<string> Symbols, long From, long To, long TickCount, string State = CatalogEntry.Intact, long ReadableTicks = -1, string? Damage = null)
{
    /// <summary>State of a cleanly closed, fully readable dataset.</summary>
    public const string Intact = "intact";

    /// <summary>State of a dataset without footer index whose blocks are all readable.</summary>
    public const string Unclosed = "unclosed";

    /// <summary>State of a dataset with unreadable parts.</summary>
    public const string Damaged = "damaged";

    /// <summary>Ticks that can be replayed (<see cref="TickCount"/> when not given).</summary>
    public long Readable => ReadableTicks < 0 ? TickCount : ReadableTicks;
}
