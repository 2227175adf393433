namespace MarketFeed.Client;

/// <summary>What was wrong with a sequence number.</summary>
public enum SequenceAnomaly
{
    /// <summary>Full mode: <c>seq</c> jumped forward (ticks were missed). The client resubscribes.</summary>
    Gap = 0,

    /// <summary><c>seq</c> went backwards (or repeated, in full mode); the stale update is not applied to the cached state.</summary>
    Backward = 1,
}
