namespace MarketFeed.Engine;

/// <summary>Immutable engine limits. Built once from configuration; the hot path reads plain fields.</summary>
/// <param name="MaxSymbolsPerSubscriber">Most symbols one subscriber (connection) may hold; bounds conflated-mode memory.</param>
/// <param name="FullQueueCapacity">Ticks a full-mode subscriber may have queued before it is dropped (rounded up to a power of two).</param>
public sealed record EngineSettings(int MaxSymbolsPerSubscriber = 1024, int FullQueueCapacity = 16384)
{
    /// <summary>Defaults.</summary>
    public static EngineSettings Default { get; } = new();

    /// <summary>Throws if a limit is out of range.</summary>
    public EngineSettings Validate()
    {
        if (MaxSymbolsPerSubscriber is < 1 or > 1 << 20)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSymbolsPerSubscriber), MaxSymbolsPerSubscriber, "must be 1..1048576");
        }

        if (FullQueueCapacity is < 16 or > 1 << 24)
        {
            throw new ArgumentOutOfRangeException(nameof(FullQueueCapacity), FullQueueCapacity, "must be 16..16777216");
        }

        return this;
    }
}
