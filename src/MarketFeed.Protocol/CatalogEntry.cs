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
/// <param name="FlagCounts">
/// How many readable ticks carry each tick flag, by flag name (<see cref="FlagSuspicious"/>, <see cref="FlagSizeUnknown"/>;
/// every flag the server knows is listed, 0 included); null from a server that does not send them.
/// </param>
public sealed record CatalogEntry(string Dataset, IReadOnlyList<string> Symbols, long From, long To, long TickCount, string State = CatalogEntry.Intact, long ReadableTicks = -1, string? Damage = null, IReadOnlyDictionary<string, long>? FlagCounts = null)
{
    /// <summary>Flag-count key of ticks the vendor flagged as suspicious (tick flag bit 0).</summary>
    public const string FlagSuspicious = "suspicious";

    /// <summary>Flag-count key of ticks whose sizes the source does not give (tick flag bit 1).</summary>
    public const string FlagSizeUnknown = "sizeUnknown";

    /// <summary>State of a cleanly closed, fully readable dataset.</summary>
    public const string Intact = "intact";

    /// <summary>State of a dataset without footer index whose blocks are all readable.</summary>
    public const string Unclosed = "unclosed";

    /// <summary>State of a dataset with unreadable parts.</summary>
    public const string Damaged = "damaged";

    /// <summary>Ticks that can be replayed (<see cref="TickCount"/> when not given).</summary>
    public long Readable => ReadableTicks < 0 ? TickCount : ReadableTicks;
}
