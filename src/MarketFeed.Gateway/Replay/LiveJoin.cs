namespace MarketFeed.Gateway.Replay;

/// <summary>How a replay that asked to continue live joins the live feed at its end (docs/protocol.md section 6.1).</summary>
internal enum LiveJoin
{
    /// <summary>The replay just ends.</summary>
    None,

    /// <summary>The dataset is the live recording of this epoch: the live subscription resumes after each symbol's last replayed seq (no gap, no duplicate).</summary>
    BySequence,

    /// <summary>Another sequence space (an imported dataset, an older epoch): a clean switch, a snapshot per symbol.</summary>
    Snapshot,
}
