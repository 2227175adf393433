namespace MarketFeed.Engine;

/// <summary>Immutable engine limits. Built once from configuration; the hot path reads plain fields.</summary>
/// <param name="MaxSymbolsPerSubscriber">Most symbols one subscriber (connection) may hold; bounds conflated-mode memory.</param>
/// <param name="JournalCapacity">
/// Ticks the engine's <see cref="TickJournal"/> holds (rounded up to a power of two; 64 bytes each).
/// A full-mode subscriber further behind than this is dropped; a resume further back is not recovered.
/// </param>
public sealed record EngineSettings(int MaxSymbolsPerSubscriber = 1024, int JournalCapacity = EngineSettings.DefaultJournalCapacity)
{
    /// <summary>
    /// 131,072 ticks = 8 MB: 65 s of the simulator's default 2,000 ticks/s.
    /// </summary>
    public const int DefaultJournalCapacity = 1 << 17;

    /// <summary>Defaults.</summary>
    public static EngineSettings Default { get; } = new();

    /// <summary>Throws if a limit is out of range.</summary>
    public EngineSettings Validate()
    {
        if (MaxSymbolsPerSubscriber is < 1 or > 1 << 20)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSymbolsPerSubscriber), MaxSymbolsPerSubscriber, "must be 1..1048576");
        }

        if (JournalCapacity is < 16 or > 1 << 26)
        {
            throw new ArgumentOutOfRangeException(nameof(JournalCapacity), JournalCapacity, "must be 16..67108864");
        }

        return this;
    }
}
